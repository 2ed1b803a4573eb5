import { getHistory } from '@/server/api/alerts-routes';

export const dynamic = 'force-dynamic';
export const GET = getHistory;
