// /api/notebooks/<id>/schedule: GET the schedule (read access), PUT set it, DELETE remove it (owner or admin).

import { deleteSchedule, getSchedule, putSchedule } from '@/server/api/workbench/notebook-run-routes';

export const dynamic = 'force-dynamic';
export const GET = getSchedule;
export const PUT = putSchedule;
export const DELETE = deleteSchedule;
