// Logic behind /api/catalog/tables, /api/catalog/tables/<table>/history and /api/catalog/tables/<table>/snapshot:
// validate (zod) → authorize → one command → present. The app/api route files only export these.

import { z } from 'zod';
import { authorize } from '../../auth/authorize';
import { handleRoute, jsonResponse } from '../handle-route';
import { getHistory, getSnapshotView, listTables } from './catalog';
import { getLakeContext } from './lake-context';

export interface TableParams {
  params: Promise<{ table: string }>;
}

const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);

const snapshotQuerySchema = z
  .object({
    version: z.coerce.number().int().min(0).optional(),
    timestamp: z.string().min(1).max(64).optional(),
  })
  .refine((q) => q.version === undefined || q.timestamp === undefined, 'give version or timestamp, not both');

/** GET /api/catalog/tables: the Delta tables under the lake's tables/ folder with schema, rows, size and version. */
export const getTables = handleRoute(async (request) => {
  await authorize(request, 'catalog:read');
  return jsonResponse({ tables: await listTables(await getLakeContext()) });
});

/** GET /api/catalog/tables/<table>/history[?limit=N]: commits newest first, with operation and time. */
export const getTableHistory = handleRoute<TableParams>(async (request, context) => {
  const { table } = await context.params;
  const limit = limitSchema.parse(new URL(request.url).searchParams.get('limit') ?? undefined);
  await authorize(request, 'catalog:read');
  return jsonResponse({ history: await getHistory(await getLakeContext(), table, limit) });
});

/**
 * GET /api/catalog/tables/<table>/snapshot[?version=N | ?timestamp=T]: the snapshot's files (same-origin URLs,
 * sizes, partition values, deleted rows), schema and the scan SELECT the browser defines its view with.
 */
export const getTableSnapshot = handleRoute<TableParams>(async (request, context) => {
  const { table } = await context.params;
  const url = new URL(request.url);
  const query = snapshotQuerySchema.parse({
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
