import { deleteRule, patchRule } from '@/server/api/alerts-routes';

export const dynamic = 'force-dynamic';
export const PATCH = patchRule;
export const DELETE = deleteRule;
