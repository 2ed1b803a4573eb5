// POST /api/query: the server path of a cell, streamed back as Arrow IPC.

import { postQuery } from '@/server/api/workbench/query-routes';

export const dynamic = 'force-dynamic';
export const POST = postQuery;
