// Logic behind /api/notebooks, /api/notebooks/<id> and /api/notebooks/<id>/duplicate: validate (zod) →
// authorize → one command (which checks the caller's access to the notebook) → present. The app/api route
// files only export these.

import { z } from 'zod';
import { getControlPlane } from '../control-plane';
import { dropScheduleOfDeleted, getNotebookRunStores } from './notebook-runs';
import { authorize } from '../../auth/authorize';
import { handleRoute, jsonResponse, readJsonBody } from '../handle-route';
import {
  createNotebook,
  createNotebookSchema,
  deleteNotebook,
  duplicateNotebook,
  getNotebooks,
  listNotebooks,
  notebookIdSchema,
  openNotebook,
  renameNotebook,
  saveNotebook,
  saveNotebookSchema,
} from './notebooks';

export interface NotebookParams {
  params: Promise<{ id: string }>;
}

const renameSchema = z.object({ title: z.string().trim().min(1).max(200) });

const idOf = async (context: NotebookParams) => notebookIdSchema.parse((await context.params).id);

/** GET /api/notebooks: the notebooks the caller may read, newest first. */
export const getNotebookList = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  return jsonResponse({ notebooks: await listNotebooks(getNotebooks(), user) });
});

/** POST /api/notebooks: create one, owned by the caller. */
export const postNotebook = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  const input = createNotebookSchema.parse(await readJsonBody(request));
  return jsonResponse(await createNotebook(getNotebooks(), user, input), { status: 201 });
});

/** GET /api/notebooks/<id>: open. */
export const getNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await openNotebook(getNotebooks(), user, id));
});

/** PUT /api/notebooks/<id>: save (autosave), based on the version the body names (409 when stale). */
export const putNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  const body = saveNotebookSchema.parse(await readJsonBody(request));
  return jsonResponse(await saveNotebook(getNotebooks(), user, id, body));
});

/** PATCH /api/notebooks/<id> {title}: rename. */
export const patchNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  const { title } = renameSchema.parse(await readJsonBody(request));
  return jsonResponse(await renameNotebook(getNotebooks(), user, id, title));
});

/** DELETE /api/notebooks/<id>. */
export const removeNotebook = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  await deleteNotebook(getNotebooks(), user, id);
  await dropScheduleOfDeleted(getNotebookRunStores(), getControlPlane, user, id);
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});

/** POST /api/notebooks/<id>/duplicate: a copy under a new id, titled "<title> (copy)", owned by the caller. */
export const postDuplicate = handleRoute<NotebookParams>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await duplicateNotebook(getNotebooks(), user, id), { status: 201 });
});
