// /api/notebooks/<id>: GET open, PUT save (autosave), PATCH rename, DELETE.

import { z } from 'zod';
import { handleRoute, jsonResponse, readJsonBody } from '@/server/api/handle-route';
import {
  deleteNotebook,
  getNotebooks,
  notebookIdSchema,
  openNotebook,
  renameNotebook,
  saveNotebook,
  saveNotebookSchema,
} from '@/server/api/workbench/notebooks';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

const renameSchema = z.object({ title: z.string().trim().min(1).max(200) });

export const GET = handleRoute<Context>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await openNotebook(getNotebooks(), user, id));
});

export const PUT = handleRoute<Context>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  const body = saveNotebookSchema.parse(await readJsonBody(request));
  return jsonResponse(await saveNotebook(getNotebooks(), user, id, body));
});

export const PATCH = handleRoute<Context>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  const { title } = renameSchema.parse(await readJsonBody(request));
  return jsonResponse(await renameNotebook(getNotebooks(), user, id, title));
});

export const DELETE = handleRoute<Context>(async (request, context) => {
  const id = notebookIdSchema.parse((await context.params).id);
  const user = await authorize(request, 'workbench');
  await deleteNotebook(getNotebooks(), user, id);
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
