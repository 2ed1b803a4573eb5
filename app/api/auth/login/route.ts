import { login } from '@/server/api/auth-routes';

export const dynamic = 'force-dynamic';
export const POST = login;
