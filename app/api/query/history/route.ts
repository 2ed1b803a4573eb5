// GET /api/query/history[?limit=N]: the caller's recent queries, newest first. POST: record one run.

import { z } from 'zod';
import { handleRoute, jsonResponse, readJsonBody } from '@/server/api/handle-route';
import { getQueryHistory, historyEntrySchema } from '@/server/api/workbench/notebooks';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

const limitSchema = z.coerce.number().int().min(1).max(500).default(100);

export const GET = handleRoute(async (request) => {
  const limit = limitSchema.parse(new URL(request.url).searchParams.get('limit') ?? undefined);
  const user = await authorize(request, 'workbench');
  return jsonResponse({ history: await getQueryHistory().list(user.username, limit) });
});

export const POST = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  const entry = historyEntrySchema.parse(await readJsonBody(request));
  await getQueryHistory().record(user.username, { at: Date.now(), ...entry });
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
