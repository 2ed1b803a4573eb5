// Logic behind /api/notebooks, /api/notebooks/<id> and /api/notebooks/<id>/duplicate: validate (zod) →
// authorize → one command → present. The app/api route files only export these.

import { z } from 'zod';
import { authorize } from '../../auth/authorize';
import { handleRoute, jsonResponse, readJsonBody } from '../handle-route';
import {
  createNotebook,
  createNotebookSchema,
  deleteNotebook,
  duplicateNotebook,
  getNotebookStore,
  listNotebooks,
  notebookBodySchema,
  notebookIdSchema,
  openNotebook,
  renameNotebook,
  saveNotebook,
} from './notebooks';

export interface NotebookParams {
  params: Promise<{ id: string }>;
}

const renameSchema = z.object({ title: z.string().trim().min(1).max(200) });

const idOf = async (context: NotebookParams) => notebookIdSchema.parse((await context.params).id);

/** GET /api/notebooks: the notebooks, newest first. */
export const getNotebooks = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  return jsonResponse({ notebooks: await listNotebooks(getNotebookStore()) });
});

/** POST /api/notebooks: create one. */
export const postNotebook = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  const input = createNotebookSchema.parse(await readJsonBody(request));
  return jsonResponse(await createNotebook(getNotebookStore(), input), { status: 201 });
});

/** GET /api/notebooks/<id>: open. */
export const getNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  await authorize(request, 'workbench');
  return jsonResponse(await openNotebook(getNotebookStore(), id));
});

/** PUT /api/notebooks/<id>: save (autosave). */
export const putNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  await authorize(request, 'workbench');
  const body = notebookBodySchema.parse(await readJsonBody(request));
  return jsonResponse(await saveNotebook(getNotebookStore(), id, body));
});

/** PATCH /api/notebooks/<id> {title}: rename. */
export const patchNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  await authorize(request, 'workbench');
  const { title } = renameSchema.parse(await readJsonBody(request));
  return jsonResponse(await renameNotebook(getNotebookStore(), id, title));
});

/** DELETE /api/notebooks/<id>. */
export const removeNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  await authorize(request, 'workbench');
  await deleteNotebook(getNotebookStore(), id);
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});

/** POST /api/notebooks/<id>/duplicate: a copy under a new id, titled "<title> (copy)". */
export const postDuplicate = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  await authorize(request, 'workbench');
  return jsonResponse(await duplicateNotebook(getNotebookStore(), id), { status: 201 });
});
