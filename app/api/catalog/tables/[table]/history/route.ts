// GET /api/catalog/tables/<table>/history[?limit=N]: commits newest first, with operation and time.

import { z } from 'zod';
import { handleRoute, jsonResponse } from '@/server/api/handle-route';
import { getHistory } from '@/server/api/workbench/catalog';
import { getLakeContext } from '@/server/api/workbench/lake-context';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);

type Context = { params: Promise<{ table: string }> };

export const GET = handleRoute<Context>(async (request, context) => {
  const { table } = await context.params;
  const limit = limitSchema.parse(new URL(request.url).searchParams.get('limit') ?? undefined);
  await authorize(request, 'catalog:read');
  return jsonResponse({ history: await getHistory(await getLakeContext(), table, limit) });
});
