import { getLineage } from '@/server/api/run-routes';

export const dynamic = 'force-dynamic';
export const GET = getLineage;
