// /api/notebooks/<id>/files/<name>: GET one saved file (read access), PUT to save it, DELETE to remove it (edit).

import { deleteFile, getFile, putFile } from '@/server/api/workbench/notebook-file-routes';

export const dynamic = 'force-dynamic';
export const GET = getFile;
export const PUT = putFile;
export const DELETE = deleteFile;
