// POST /api/query: the server path of a cell. Native DuckDB runs the SQL over the same snapshots the browser
// would read and streams the result back as Arrow IPC; earlier cells' named results come along as Parquet.

import { handleRoute } from '@/server/api/handle-route';
import { getLakeContext } from '@/server/api/workbench/lake-context';
import { readQueryBody } from '@/server/api/workbench/query-upload';
import { runServerQuery } from '@/server/api/workbench/run-server-query';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

export const POST = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  const { request: input, results } = await readQueryBody(request);
  const result = await runServerQuery(await getLakeContext(), input, results, request.signal);
  return new Response(result.body, {
    headers: {
      'Content-Type': 'application/vnd.apache.arrow.stream',
      'Cache-Control': 'no-store',
      'X-Snapshot-Versions': JSON.stringify(result.versions),
      'X-Row-Limit': String(input.maxRows),
    },
  });
});
