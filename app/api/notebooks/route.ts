// GET /api/notebooks: the notebooks, newest first. POST /api/notebooks: create one.

import { handleRoute, jsonResponse, readJsonBody } from '@/server/api/handle-route';
import {
  createNotebook,
  createNotebookSchema,
  getNotebookStore,
  listNotebooks,
} from '@/server/api/workbench/notebooks';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

export const GET = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  return jsonResponse({ notebooks: await listNotebooks(getNotebookStore()) });
});

export const POST = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  const input = createNotebookSchema.parse(await readJsonBody(request));
  return jsonResponse(await createNotebook(getNotebookStore(), input), { status: 201 });
});
