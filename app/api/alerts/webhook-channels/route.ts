import { getWebhookChannels } from '@/server/api/delivery-routes';

export const dynamic = 'force-dynamic';
export const GET = getWebhookChannels;
