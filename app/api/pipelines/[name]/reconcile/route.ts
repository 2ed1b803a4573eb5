import { postReconcile } from '@/server/api/reconcile-routes';

export const dynamic = 'force-dynamic';
export const POST = postReconcile;
