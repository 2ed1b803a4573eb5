// POST /api/notebooks/<id>/duplicate: a copy under a new id, titled "<title> (copy)".

import { postDuplicate } from '@/server/api/workbench/notebook-routes';

export const dynamic = 'force-dynamic';
export const POST = postDuplicate;
