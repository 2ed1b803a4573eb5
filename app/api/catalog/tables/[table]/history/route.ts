// GET /api/catalog/tables/<table>/history[?limit=N]: commits newest first, with operation and time.

import { getTableHistory } from '@/server/api/workbench/catalog-routes';

export const dynamic = 'force-dynamic';
export const GET = getTableHistory;
