// POST /api/query: the server path of a cell. Native DuckDB runs the SQL over the same snapshots the browser
// would read, in a query process of its own (query-pool.ts), and the result streams back as Arrow IPC; earlier
// cells' named results come along as Parquet.

import { handleRoute } from '@/server/api/handle-route';
import { readQueryBody } from '@/server/api/workbench/query-upload';
import { getQueryAdmission, getQueryPool } from '@/server/api/workbench/query-service';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

export const POST = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  // A slot is taken before the body is read, so a refused query never uploads its results for nothing.
  const release = getQueryAdmission().admit(user.username);
  try {
    const { request: input, results } = await readQueryBody(request);
    const result = await getQueryPool().run({
      request: input,
      results,
      signal: request.signal,
      onSettled: release,
    });
    return new Response(result.body, {
      headers: {
        'Content-Type': 'application/vnd.apache.arrow.stream',
        'Cache-Control': 'no-store',
        'X-Snapshot-Versions': JSON.stringify(result.versions),
        'X-Row-Limit': String(input.maxRows),
      },
    });
  } catch (error) {
    release();
    throw error;
  }
});
