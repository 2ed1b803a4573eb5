import { me } from '@/server/api/auth-routes';

export const dynamic = 'force-dynamic';
export const GET = me;
