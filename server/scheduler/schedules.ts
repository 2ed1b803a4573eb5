// Schedule operations for admins. A schedule is a recurring Agenda job (data.scheduleName), so admins'
// changes live in the control database and survive restarts; what it shows about runs comes from the
// control store. Errors are ApiErrors so route handlers can present them as they are.

import type { Agenda } from 'agenda';
import { z } from 'zod';
import { ApiError } from '../api/errors';
import type { ControlStore } from '../store/control-store';
import type { RunRecord } from '../store/types';
import { CronError, describeCron, nextRuns, validateCron, validateTimezone } from './cron';
import type { OneOffJobData, ScheduleJobData } from './define-jobs';
import { lockKeyFor } from './execute-run';
import { JOB_TYPES, type JobType } from './runner-types';

export interface SchedulerContext {
  agenda: Agenda;
  store: ControlStore;
  /** SCHEDULE_TIMEZONE: the time zone of new schedules. */
  timezone: string;
  now: () => Date;
}

export const scheduleNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'use 1 to 63 lower-case letters, digits, ".", "_" or "-"');

export interface ScheduleView {
  name: string;
  jobType: JobType;
  target: string;
  cron: string;
  timezone: string;
  description: string;
  paused: boolean;
  nextRuns: string[];
  lastRun: Pick<RunRecord, 'id' | 'status' | 'trigger' | 'startedAt' | 'finishedAt' | 'error'> | null;
  activeRunId: string | null;
}

/**
 * The job types of the Schedules page: a notebook's schedule is set on the notebook (its owner or an admin) and
 * kept in its settings file, so it is not listed or edited here, where a change would bypass that file.
 */
const ADMIN_SCHEDULE_TYPES = JOB_TYPES.filter((type) => type !== 'notebook.run');

type StoredJob = Awaited<ReturnType<Agenda['queryJobs']>>['jobs'][number];

async function findJobs(ctx: SchedulerContext, data: Record<string, unknown>): Promise<StoredJob[]> {
  const { jobs } = await ctx.agenda.queryJobs({ names: [...JOB_TYPES], data, includeDisabled: true });
  return jobs;
}

async function findSchedule(ctx: SchedulerContext, name: string): Promise<StoredJob> {
  const { jobs } = await ctx.agenda.queryJobs({
    names: ADMIN_SCHEDULE_TYPES,
    data: { scheduleName: name },
    includeDisabled: true,
  });
  const [job] = jobs;
  if (!job || typeof job.repeatInterval !== 'string')
    throw new ApiError('NOT_FOUND', `No schedule named "${name}"`);
  return job;
}

async function present(ctx: SchedulerContext, job: StoredJob): Promise<ScheduleView> {
  const data = job.data as ScheduleJobData;
  const cron = String(job.repeatInterval);
  const timezone = job.repeatTimezone ?? 'UTC';
  const [last = null] = await ctx.store.listRuns({ pipeline: data.target, jobType: job.name, limit: 1 });
  const now = ctx.now();
  return {
    name: data.scheduleName,
    jobType: job.name as JobType,
    target: data.target,
    cron,
    timezone,
    description: describeCron(cron),
    paused: job.disabled === true,
    nextRuns: job.disabled ? [] : safeNextRuns(cron, timezone, now),
    lastRun: last && {
      id: last.id,
      status: last.status,
      trigger: last.trigger,
      startedAt: last.startedAt,
      finishedAt: last.finishedAt,
      error: last.error ? { message: last.error.message } : null,
    },
    activeRunId: await ctx.store.lockHolder(lockKeyFor(data.target), now),
  };
}

function safeNextRuns(cron: string, timezone: string, now: Date): string[] {
  try {
    return nextRuns(cron, timezone, now, 5).map((d) => d.toISOString());
  } catch {
    return [];
  }
}

function checkedCron(cron: string, timezone: string): string {
  try {
    return validateCron(cron, validateTimezone(timezone));
  } catch (error) {
    if (error instanceof CronError) throw new ApiError('INVALID_INPUT', error.message);
    throw error;
  }
}

async function saveSchedule(
  ctx: SchedulerContext,
  s: { name: string; jobType: JobType; target: string; cron: string; timezone: string; paused: boolean },
): Promise<void> {
  const data: ScheduleJobData = { scheduleName: s.name, target: s.target };
  const job = ctx.agenda.create(s.jobType, data).repeatEvery(s.cron, { timezone: s.timezone });
  job.unique({ 'data.scheduleName': s.name });
  if (s.paused) job.disable();
  await job.save();
}

export async function listSchedules(ctx: SchedulerContext): Promise<ScheduleView[]> {
  const { jobs } = await ctx.agenda.queryJobs({ names: ADMIN_SCHEDULE_TYPES, includeDisabled: true });
  const schedules = jobs.filter(
    (j) =>
      typeof j.repeatInterval === 'string' &&
      typeof (j.data as Partial<ScheduleJobData>)?.scheduleName === 'string',
  );
  const views = await Promise.all(schedules.map((j) => present(ctx, j)));
  return views.sort((a, b) => a.name.localeCompare(b.name));
}

export async function getSchedule(ctx: SchedulerContext, name: string): Promise<ScheduleView> {
  return present(ctx, await findSchedule(ctx, name));
}

export interface CreateScheduleInput {
  name: string;
  jobType: JobType;
  target: string;
  cron: string;
  timezone?: string;
  paused?: boolean;
}

export async function createSchedule(
  ctx: SchedulerContext,
  input: CreateScheduleInput,
): Promise<ScheduleView> {
  const timezone = input.timezone ?? ctx.timezone;
  const cron = checkedCron(input.cron, timezone);
  if ((await findJobs(ctx, { scheduleName: input.name })).length > 0) {
    throw new ApiError('CONFLICT', `A schedule named "${input.name}" already exists`);
  }
  await saveSchedule(ctx, { ...input, cron, timezone, paused: input.paused ?? false });
  return getSchedule(ctx, input.name);
}

/**
 * Create the schedules that pipeline definitions ask for, once: an existing schedule (perhaps edited by an
 * admin) is left exactly as it is, so admins' changes survive restarts.
 */
export async function ensureSchedules(
  ctx: SchedulerContext,
  wanted: Omit<CreateScheduleInput, 'paused'>[],
): Promise<string[]> {
  const created: string[] = [];
  for (const s of wanted) {
    if ((await findJobs(ctx, { scheduleName: s.name })).length > 0) continue;
    await createSchedule(ctx, s);
    created.push(s.name);
  }
  return created;
}

export async function updateSchedule(
  ctx: SchedulerContext,
  name: string,
  change: { cron?: string; timezone?: string; paused?: boolean },
): Promise<ScheduleView> {
  const job = await findSchedule(ctx, name);
  const data = job.data as ScheduleJobData;
  const timezone = change.timezone ?? job.repeatTimezone ?? ctx.timezone;
  const cron = checkedCron(change.cron ?? String(job.repeatInterval), timezone);
  await saveSchedule(ctx, {
    name,
    jobType: job.name as JobType,
    target: data.target,
    cron,
    timezone,
    paused: change.paused ?? job.disabled === true,
  });
  return getSchedule(ctx, name);
}

export const pauseSchedule = (ctx: SchedulerContext, name: string) =>
  updateSchedule(ctx, name, { paused: true });
export const resumeSchedule = (ctx: SchedulerContext, name: string) =>
  updateSchedule(ctx, name, { paused: false });

export async function deleteSchedule(ctx: SchedulerContext, name: string): Promise<void> {
  await findSchedule(ctx, name);
  await ctx.agenda.cancel({ names: [...JOB_TYPES], data: { scheduleName: name } });
}

/** Refused with CONFLICT while the target has a run active (any job type: they share its lock) or a manual run queued. */
export async function assertNoManualRunOf(ctx: SchedulerContext, target: string): Promise<void> {
  const active = await ctx.store.lockHolder(lockKeyFor(target), ctx.now());
  if (active) {
    throw new ApiError(
      'CONFLICT',
      `${target} is already running (run ${active}); wait for it to finish or cancel it first`,
    );
  }
  const pending = (await findJobs(ctx, { target, trigger: 'manual' })).filter((j) => j.nextRunAt !== null);
  if (pending.length > 0) {
    throw new ApiError(
      'CONFLICT',
      `A manual run of ${target} is already queued; the worker will start it shortly`,
    );
  }
}

/** Queue a manual run now; refused with CONFLICT while the target has a run active or queued. */
export async function runScheduleNow(
  ctx: SchedulerContext,
  name: string,
): Promise<{ queued: true; target: string }> {
  const job = await findSchedule(ctx, name);
  const data = job.data as ScheduleJobData;
  await assertNoManualRunOf(ctx, data.target);
  const oneOff: OneOffJobData = {
    target: data.target,
    trigger: 'manual',
    attempt: 1,
    scheduledFor: null,
    fromSchedule: name,
  };
  await ctx.agenda.now(job.name, oneOff);
  return { queued: true, target: data.target };
}

/**
 * Queue a manual reconcile of a pipeline through the worker (issue 14), with or without repair; it needs no
 * schedule (an admin may have paused or deleted `<pipeline>.reconcile`). Same CONFLICT rules as run now.
 */
export async function queueReconcile(
  ctx: SchedulerContext,
  pipeline: string,
  options: { repair: boolean },
): Promise<{ queued: true; target: string; repair: boolean }> {
  await assertNoManualRunOf(ctx, pipeline);
  const oneOff: OneOffJobData = {
    target: pipeline,
    trigger: 'manual',
    attempt: 1,
    scheduledFor: null,
    ...(options.repair ? { repair: true } : {}),
  };
  await ctx.agenda.now('pipeline.reconcile', oneOff);
  return { queued: true, target: pipeline, repair: options.repair };
}

/** Ask the worker running it to stop; it records the run as cancelled within a heartbeat. */
export async function cancelRun(ctx: SchedulerContext, runId: string): Promise<RunRecord> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new ApiError('NOT_FOUND', `No run ${runId}`);
  if (run.status !== 'running' || !(await ctx.store.requestCancel(runId))) {
    throw new ApiError('CONFLICT', `Run ${runId} is not running (it is ${run.status})`);
  }
  return (await ctx.store.getRun(runId)) ?? run;
}
