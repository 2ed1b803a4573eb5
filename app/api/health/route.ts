// GET /api/health: liveness of the web process only, without touching any database.

import { getHealth } from '@/server/api/health-routes';

export const dynamic = 'force-dynamic';
export const GET = getHealth;
