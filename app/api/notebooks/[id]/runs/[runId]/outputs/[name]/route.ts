// /api/notebooks/<id>/runs/<runId>/outputs/<name>?format=csv|parquet|xlsx: GET a stored output (read access).

import { getRunOutput } from '@/server/api/workbench/notebook-run-routes';

export const dynamic = 'force-dynamic';
export const GET = getRunOutput;
