// GET /api/catalog/tables: the Delta tables under the lake's tables/ folder with schema, rows, size and version.

import { handleRoute, jsonResponse } from '@/server/api/handle-route';
import { listTables } from '@/server/api/workbench/catalog';
import { getLakeContext } from '@/server/api/workbench/lake-context';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

export const GET = handleRoute(async (request) => {
  await authorize(request, 'catalog:read');
  return jsonResponse({ tables: await listTables(await getLakeContext()) });
});
