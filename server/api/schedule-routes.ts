// Logic behind /api/schedules and /api/schedules/[name](/run): validate (zod) → authorize → one command →
// present. The app/api route files only export these. Every change is recorded in the schedules' audit list with
// the admin's name (GET /api/schedule-changes).

import { z } from 'zod';
import { authorize } from '../auth/authorize';
import { JOB_TYPES } from '../scheduler/runner-types';
import { auditScheduleChange, editAction } from '../scheduler/schedule-audit';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
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
  const user = await authorize(request, 'schedules:write');
  const input = createInput.parse(await readJsonBody(request));
  const ctx = await getControlPlane();
  const schedule = await createSchedule(ctx, input);
  await auditScheduleChange(ctx, user.username, schedule.name, 'create', null, schedule);
  return jsonResponse({ schedule }, { status: 201 });
});

export const patchSchedule = handleRoute<NameParams>(async (request, context) => {
  const name = await nameOf(context);
  const user = await authorize(request, 'schedules:write');
  const change = patchInput.parse(await readJsonBody(request));
  const ctx = await getControlPlane();
  const before = await getSchedule(ctx, name);
  const schedule = await updateSchedule(ctx, name, change);
  await auditScheduleChange(ctx, user.username, name, editAction(change), before, schedule);
  return jsonResponse({ schedule });
});

export const removeSchedule = handleRoute<NameParams>(async (request, context) => {
  const name = await nameOf(context);
  const user = await authorize(request, 'schedules:write');
  const ctx = await getControlPlane();
  const before = await getSchedule(ctx, name);
  await deleteSchedule(ctx, name);
  await auditScheduleChange(ctx, user.username, name, 'delete', before, null);
  return jsonResponse({ deleted: name });
});

export const postRunNow = handleRoute<NameParams>(async (request, context) => {
  const name = await nameOf(context);
  const user = await authorize(request, 'runs:write');
  const ctx = await getControlPlane();
  const queued = await runScheduleNow(ctx, name);
  await auditScheduleChange(ctx, user.username, name, 'run-now', null, null);
  return jsonResponse(queued, { status: 202 });
});

const changesQuery = z.object({
  schedule: scheduleNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The schedules' audit list, newest first (admins: it names who changed what). */
export const getScheduleChanges = handleRoute(async (request) => {
  const query = changesQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  await authorize(request, 'schedules:write');
  const { store } = await getControlPlane();
  return jsonResponse({ changes: await store.listScheduleChanges(query) });
});
