import { postChannelTest } from '@/server/api/alerts-routes';

export const dynamic = 'force-dynamic';
export const POST = postChannelTest;
