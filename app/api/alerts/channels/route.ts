import { getChannels, postChannel } from '@/server/api/alerts-routes';

export const dynamic = 'force-dynamic';
export const GET = getChannels;
export const POST = postChannel;
