import { deleteChannel, patchChannel } from '@/server/api/alerts-routes';

export const dynamic = 'force-dynamic';
export const PATCH = patchChannel;
export const DELETE = deleteChannel;
