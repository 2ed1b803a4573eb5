import { getRuns, postRun } from '@/server/api/run-routes';

export const dynamic = 'force-dynamic';
export const GET = getRuns;
export const POST = postRun;
