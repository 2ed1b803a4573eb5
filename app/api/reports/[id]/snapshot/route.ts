// GET /api/reports/<id>/snapshot?table=T[&version=N | &timestamp=S]: a snapshot the report reads.

import { getReportSnapshot } from '@/server/api/report-routes';

export const dynamic = 'force-dynamic';
export const GET = getReportSnapshot;
