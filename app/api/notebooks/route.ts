// GET /api/notebooks: the notebooks, newest first. POST /api/notebooks: create one.

import { getNotebookList, postNotebook } from '@/server/api/workbench/notebook-routes';

export const dynamic = 'force-dynamic';
export const GET = getNotebookList;
export const POST = postNotebook;
