// POST /api/catalog/tables/<table>/restore {"version": N}: roll a Delta table back to version N as a new commit
// (admin only, CSRF-checked).

import { postRestore } from '@/server/api/restore-routes';

export const dynamic = 'force-dynamic';
export const POST = postRestore;
