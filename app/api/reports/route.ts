// GET /api/reports: the published reports the caller may read.

import { getReportList } from '@/server/api/report-routes';

export const dynamic = 'force-dynamic';
export const GET = getReportList;
