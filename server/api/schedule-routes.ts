// Logic behind /api/schedules and /api/schedules/[name](/run): validate (zod) → authorize → one command →
// present. The app/api route files only export these.

import { z } from 'zod';
import { authorize } from '../auth/authorize';
import { JOB_TYPES } from '../scheduler/runner-types';
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  runScheduleNow,
  scheduleNameSchema,
  updateSchedule,
} from '../scheduler/schedules';
import { getControlPlane } from './control-plane';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';

export interface NameParams {
  params: Promise<{ name: string }>;
}

const createInput = z.object({
  name: scheduleNameSchema,
  jobType: z.enum(JOB_TYPES),
  target: z.string().trim().min(1).max(200),
  cron: z.string().trim().min(1).max(100),
  timezone: z.string().trim().min(1).max(64).optional(),
  paused: z.boolean().optional(),
});

const patchInput = z
  .object({
    cron: z.string().trim().min(1).max(100).optional(),
    timezone: z.string().trim().min(1).max(64).optional(),
    paused: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one of cron, timezone, paused');

const nameOf = async (context: NameParams) => scheduleNameSchema.parse((await context.params).name);

export const getSchedules = handleRoute(async (request) => {
  await authorize(request, 'schedules:read');
  return jsonResponse({ schedules: await listSchedules(await getControlPlane()) });
});

export const postSchedule = handleRoute(async (request) => {
  await authorize(request, 'schedules:write');
  const input = createInput.parse(await readJsonBody(request));
  return jsonResponse({ schedule: await createSchedule(await getControlPlane(), input) }, { status: 201 });
});

export const patchSchedule = handleRoute<NameParams>(async (request, context) => {
  const name = await nameOf(context);
  await authorize(request, 'schedules:write');
  const change = patchInput.parse(await readJsonBody(request));
  return jsonResponse({ schedule: await updateSchedule(await getControlPlane(), name, change) });
});

export const removeSchedule = handleRoute<NameParams>(async (request, context) => {
  const name = await nameOf(context);
  await authorize(request, 'schedules:write');
  await deleteSchedule(await getControlPlane(), name);
  return jsonResponse({ deleted: name });
});

export const postRunNow = handleRoute<NameParams>(async (request, context) => {
  const name = await nameOf(context);
  await authorize(request, 'runs:write');
  return jsonResponse(await runScheduleNow(await getControlPlane(), name), { status: 202 });
});
