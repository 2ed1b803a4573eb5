import { getSchedules, postSchedule } from '@/server/api/schedule-routes';

export const dynamic = 'force-dynamic';
export const GET = getSchedules;
export const POST = postSchedule;
