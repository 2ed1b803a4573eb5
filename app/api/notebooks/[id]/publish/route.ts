// GET|POST|DELETE /api/notebooks/<id>/publish: the notebook's report (publish state, publish, unpublish).

import { deletePublish, getPublishState, postPublish } from '@/server/api/report-routes';

export const dynamic = 'force-dynamic';
export const GET = getPublishState;
export const POST = postPublish;
export const DELETE = deletePublish;
