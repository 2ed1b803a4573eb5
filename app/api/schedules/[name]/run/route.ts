import { postRunNow } from '@/server/api/schedule-routes';

export const dynamic = 'force-dynamic';
export const POST = postRunNow;
