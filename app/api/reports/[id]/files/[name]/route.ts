// GET /api/reports/<id>/files/<name>: a file frozen with the report at publishing, loaded as table <name>.

import { getReportFile } from '@/server/api/report-routes';

export const dynamic = 'force-dynamic';
export const GET = getReportFile;
