// GET /api/sync/status[?format=prometheus]: every synced table's MySQL sync status (frontend and admin roles).

import { getSyncStatus } from '@/server/api/sync-routes';

export const dynamic = 'force-dynamic';
export const GET = getSyncStatus;
