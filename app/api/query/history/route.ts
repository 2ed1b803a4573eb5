// GET /api/query/history[?limit=N]: the caller's recent queries, newest first. POST: record one run.

import { getHistoryEntries, postHistoryEntry } from '@/server/api/workbench/query-routes';

export const dynamic = 'force-dynamic';
export const GET = getHistoryEntries;
export const POST = postHistoryEntry;
