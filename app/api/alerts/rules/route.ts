import { getRules, postRule } from '@/server/api/alerts-routes';

export const dynamic = 'force-dynamic';
export const GET = getRules;
export const POST = postRule;
