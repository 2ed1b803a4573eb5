import { getRun, postRunAction } from '@/server/api/run-routes';

export const dynamic = 'force-dynamic';
export const GET = getRun;
export const POST = postRunAction;
