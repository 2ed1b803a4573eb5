// GET /api/catalog/tables: the Delta tables under the lake's tables/ folder with schema, rows, size and version.

import { getTables } from '@/server/api/workbench/catalog-routes';

export const dynamic = 'force-dynamic';
export const GET = getTables;
