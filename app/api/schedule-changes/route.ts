import { getScheduleChanges } from '@/server/api/schedule-routes';

export const dynamic = 'force-dynamic';
export const GET = getScheduleChanges;
