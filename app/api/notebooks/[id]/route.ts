// /api/notebooks/<id>: GET open, PUT save (autosave), PATCH rename, DELETE.

import {
  getNotebook,
  patchNotebook,
  putNotebook,
  removeNotebook,
} from '@/server/api/workbench/notebook-routes';

export const dynamic = 'force-dynamic';
export const GET = getNotebook;
export const PUT = putNotebook;
export const PATCH = patchNotebook;
export const DELETE = removeNotebook;
