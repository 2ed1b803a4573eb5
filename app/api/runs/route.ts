import { getRuns } from '@/server/api/run-routes';

export const dynamic = 'force-dynamic';
export const GET = getRuns;
