// GET /api/catalog/tables/<table>/snapshot[?version=N | ?timestamp=T]: the snapshot's files (same-origin URLs,
// sizes, partition values, deleted rows), schema and the scan SELECT the browser defines its view with.

import { z } from 'zod';
import { handleRoute, jsonResponse } from '@/server/api/handle-route';
import { getSnapshotView } from '@/server/api/workbench/catalog';
import { getLakeContext } from '@/server/api/workbench/lake-context';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

const querySchema = z
  .object({
    version: z.coerce.number().int().min(0).optional(),
    timestamp: z.string().min(1).max(64).optional(),
  })
  .refine((q) => q.version === undefined || q.timestamp === undefined, 'give version or timestamp, not both');

type Context = { params: Promise<{ table: string }> };

export const GET = handleRoute<Context>(async (request, context) => {
  const { table } = await context.params;
  const url = new URL(request.url);
  const query = querySchema.parse({
    version: url.searchParams.get('version') ?? undefined,
    timestamp: url.searchParams.get('timestamp') ?? undefined,
  });
  await authorize(request, 'workbench');
  const options =
    query.version !== undefined
      ? { version: query.version }
      : query.timestamp !== undefined
        ? { timestamp: query.timestamp }
        : {};
  return jsonResponse(await getSnapshotView(await getLakeContext(), table, options));
});
