// POST /api/notebooks/<id>/duplicate: a copy under a new id, titled "<title> (copy)".

import { handleRoute, jsonResponse } from '@/server/api/handle-route';
import { duplicateNotebook, getNotebooks, notebookIdSchema } from '@/server/api/workbench/notebooks';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const POST = handleRoute<Context>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await duplicateNotebook(getNotebooks(), user, id), { status: 201 });
});
