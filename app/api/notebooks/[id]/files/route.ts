// /api/notebooks/<id>/files: GET the files saved with a notebook (read access).

import { listFiles } from '@/server/api/workbench/notebook-file-routes';

export const dynamic = 'force-dynamic';
export const GET = listFiles;
