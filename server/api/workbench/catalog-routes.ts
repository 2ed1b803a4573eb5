// Logic behind /api/catalog/tables, /api/catalog/tables/<table>/history, …/snapshot and …/changes:
// validate (zod) → authorize → one command → present. The app/api route files only export these.

import { z } from 'zod';
import { authorize } from '../../auth/authorize';
import { handleRoute, jsonResponse } from '../handle-route';
import { getHistory, getSnapshotView, listTables } from './catalog';
import { getLakeContext } from './lake-context';
import { readTableChanges } from './table-changes';

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

const changesQuerySchema = z
  .object({
    from: z.coerce.number().int().min(0),
    to: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .refine((q) => q.to === undefined || q.from <= q.to, 'from must not be after to');

/**
 * GET /api/catalog/tables/<table>/changes?from=N[&to=M][&limit=L]: the rows that changed in versions N..M (the
 * latest when M is absent) with `_change_type`, `_commit_version` and `_commit_timestamp`, the first L (1000) of
 * them; from change data files where a commit has them, else derived (the answer says which). Row data, so the
 * workbench permission, as for a snapshot.
 */
export const getTableChanges = handleRoute<TableParams>(async (request, context) => {
  const { table } = await context.params;
  // Authorized first: a caller who may not read rows learns nothing from the validation of a range either.
  await authorize(request, 'workbench');
  const url = new URL(request.url);
  const query = changesQuerySchema.parse({
    from: url.searchParams.get('from') ?? undefined,
    to: url.searchParams.get('to') ?? undefined,
    limit: url.searchParams.get('limit') ?? undefined,
  });
  const range = { from: query.from, ...(query.to !== undefined ? { to: query.to } : {}) };
  return jsonResponse(await readTableChanges(await getLakeContext(), table, range, query.limit));
});
