// /api/notebooks/<id>/runs: GET the stored runs (read access), POST run now through the worker (owner or admin).

import { getRuns, postRun } from '@/server/api/workbench/notebook-run-routes';

export const dynamic = 'force-dynamic';
export const GET = getRuns;
export const POST = postRun;
