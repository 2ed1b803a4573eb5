// GET /api/catalog/tables/<table>/snapshot[?version=N | ?timestamp=T]: the snapshot's files, schema and scan.

import { getTableSnapshot } from '@/server/api/workbench/catalog-routes';

export const dynamic = 'force-dynamic';
export const GET = getTableSnapshot;
