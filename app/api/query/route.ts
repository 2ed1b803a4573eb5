// POST /api/query: the server path of a cell. Native DuckDB runs the SQL over the same snapshots the browser
// would read and streams the result back as Arrow IPC.

import { handleRoute, readJsonBody } from '@/server/api/handle-route';
import { getLakeContext } from '@/server/api/workbench/lake-context';
import { queryRequestSchema } from '@/server/api/workbench/query-request';
import { runServerQuery } from '@/server/api/workbench/run-server-query';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

export const POST = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  const input = queryRequestSchema.parse(await readJsonBody(request));
  const result = await runServerQuery(await getLakeContext(), input);
  return new Response(result.body, {
    headers: {
      'Content-Type': 'application/vnd.apache.arrow.stream',
      'Cache-Control': 'no-store',
      'X-Snapshot-Versions': JSON.stringify(result.versions),
      'X-Row-Limit': String(input.maxRows),
    },
  });
});
