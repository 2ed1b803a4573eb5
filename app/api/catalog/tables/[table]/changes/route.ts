// GET /api/catalog/tables/<table>/changes?from=N[&to=M][&limit=L]: row-level changes between two versions.

import { getTableChanges } from '@/server/api/workbench/catalog-routes';

export const dynamic = 'force-dynamic';
export const GET = getTableChanges;
