import { failedLogins } from '@/server/api/auth-routes';

export const dynamic = 'force-dynamic';
export const GET = failedLogins;
