// GET /api/reports/<id>: a published report and the table versions it reads.

import { getReport } from '@/server/api/report-routes';

export const dynamic = 'force-dynamic';
export const GET = getReport;
