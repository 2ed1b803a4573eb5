// Handlers of /api/notebooks/<id>/sharing (GET, PUT) and /api/notebooks/<id>/history (GET list, POST restore);
// the route files re-export them. Validate → authorize (workbench permission, then the notebook's own access in
// the command) → one command → JSON.

import { handleRoute, jsonResponse, readJsonBody } from '../handle-route';
import { authorize } from '../../auth/authorize';
import {
  getSharing,
  listVersions,
  restoreBodySchema,
  restoreVersion,
  setSharing,
  sharingBodySchema,
} from './notebook-sharing';
import { getNotebooks, notebookIdSchema } from './notebooks';

type Context = { params: Promise<{ id: string }> };

const idOf = async (context: Context) => notebookIdSchema.parse((await context.params).id);

export const getNotebookSharing = handleRoute<Context>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  return jsonResponse(await getSharing(getNotebooks(), user, id));
});

export const putNotebookSharing = handleRoute<Context>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  const body = sharingBodySchema.parse(await readJsonBody(request));
  return jsonResponse(await setSharing(getNotebooks(), user, id, body));
});

export const getNotebookHistory = handleRoute<Context>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  return jsonResponse({ versions: await listVersions(getNotebooks(), user, id) });
});

export const restoreNotebookVersion = handleRoute<Context>(async (request, context) => {
  const id = await idOf(context);
  const user = await authorize(request, 'workbench');
  const { version } = restoreBodySchema.parse(await readJsonBody(request));
  return jsonResponse(await restoreVersion(getNotebooks(), user, id, version));
});
