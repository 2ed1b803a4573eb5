// GET /api/notebooks: the notebooks, newest first. POST /api/notebooks: create one.

import { handleRoute, jsonResponse, readJsonBody } from '@/server/api/handle-route';
import {
  createNotebook,
  createNotebookSchema,
  getNotebooks,
  listNotebooks,
} from '@/server/api/workbench/notebooks';
import { authorize } from '@/server/auth/authorize';

export const dynamic = 'force-dynamic';

export const GET = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  return jsonResponse({ notebooks: await listNotebooks(getNotebooks(), user) });
});

export const POST = handleRoute(async (request) => {
  const user = await authorize(request, 'workbench');
  const input = createNotebookSchema.parse(await readJsonBody(request));
  return jsonResponse(await createNotebook(getNotebooks(), user, input), { status: 201 });
});
