import { patchSchedule, removeSchedule } from '@/server/api/schedule-routes';

export const dynamic = 'force-dynamic';
export const PATCH = patchSchedule;
export const DELETE = removeSchedule;
