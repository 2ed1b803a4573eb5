// GET /api/notebooks: the notebooks, newest first. POST /api/notebooks: create one.

import { getNotebooks, postNotebook } from '@/server/api/workbench/notebook-routes';

export const dynamic = 'force-dynamic';
export const GET = getNotebooks;
export const POST = postNotebook;
