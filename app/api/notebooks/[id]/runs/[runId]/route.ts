// /api/notebooks/<id>/runs/<runId>: GET one run's manifest (read access).

import { getRun } from '@/server/api/workbench/notebook-run-routes';

export const dynamic = 'force-dynamic';
export const GET = getRun;
