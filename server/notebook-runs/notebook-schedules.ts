// A scheduled notebook's Agenda job, kept in step with its settings file (schedule-settings.ts): created, updated or
// removed whenever the owner or an admin changes the schedule, and recorded in the schedules' audit list like an
// admin's change of a pipeline schedule. Its target is `notebook:<id>`, a name no pipeline can have (pipeline
// names take no ":"), so the run lock `run:notebook:<id>` and the run records never collide with a pipeline's.

import { ApiError } from '../api/errors';
import type { OneOffJobData, ScheduleJobData } from '../scheduler/define-jobs';
import { lockKeyFor } from '../scheduler/execute-run';
import { assertNoManualRunOf, type SchedulerContext } from '../scheduler/schedules';
import type { ScheduleAction, ScheduleFields } from '../store/types';
import type { NotebookSchedule } from './schedule-settings';

export const NOTEBOOK_JOB_TYPE = 'notebook.run';
const TARGET_PREFIX = 'notebook:';

export const notebookTarget = (notebookId: string) => `${TARGET_PREFIX}${notebookId}`;
/** The schedule's name in the audit list and in the Agenda job's data. */
export const notebookScheduleName = (notebookId: string) => `notebook.${notebookId}`;

/** The notebook id of a `notebook:<id>` target, or null for any other target. */
export function notebookIdOfTarget(target: string): string | null {
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : null;
}

function fieldsOf(notebookId: string, schedule: NotebookSchedule): ScheduleFields {
  return {
    jobType: NOTEBOOK_JOB_TYPE,
    target: notebookTarget(notebookId),
    cron: schedule.cron,
    timezone: schedule.timezone,
    paused: !schedule.enabled,
  };
}

function actionOf(before: NotebookSchedule | null, after: NotebookSchedule | null): ScheduleAction {
  if (!before) return 'create';
  if (!after) return 'delete';
  const sameTiming = before.cron === after.cron && before.timezone === after.timezone;
  if (sameTiming && before.enabled !== after.enabled) return after.enabled ? 'resume' : 'pause';
  return 'edit';
}

/**
 * Makes the notebook's Agenda job match `after` (null: no schedule), then records the change. Saving with the same
 * unique key replaces the job, so a repeated call leaves one job.
 */
export async function syncNotebookSchedule(
  ctx: SchedulerContext,
  actor: string,
  notebookId: string,
  before: NotebookSchedule | null,
  after: NotebookSchedule | null,
): Promise<void> {
  const scheduleName = notebookScheduleName(notebookId);
  if (after) {
    const data: ScheduleJobData = { scheduleName, target: notebookTarget(notebookId) };
    const job = ctx.agenda
      .create(NOTEBOOK_JOB_TYPE, data)
      .repeatEvery(after.cron, { timezone: after.timezone });
    job.unique({ 'data.scheduleName': scheduleName });
    if (!after.enabled) job.disable();
    await job.save();
  } else {
    await ctx.agenda.cancel({ names: [NOTEBOOK_JOB_TYPE], data: { scheduleName } });
  }
  await ctx.store.recordScheduleChange({
    at: ctx.now(),
    actor,
    schedule: scheduleName,
    action: actionOf(before, after),
    before: before ? fieldsOf(notebookId, before) : null,
    after: after ? fieldsOf(notebookId, after) : null,
  });
}

/** The Agenda job of a notebook's schedule, when there is one: its next run and whether it is paused. */
export async function describeNotebookJob(
  ctx: SchedulerContext,
  notebookId: string,
): Promise<{ nextRunAt: string | null; activeRunId: string | null }> {
  const { jobs } = await ctx.agenda.queryJobs({
    names: [NOTEBOOK_JOB_TYPE],
    data: { scheduleName: notebookScheduleName(notebookId) },
    includeDisabled: true,
  });
  const job = jobs[0];
  const nextRunAt = job && !job.disabled && job.nextRunAt ? new Date(job.nextRunAt).toISOString() : null;
  const activeRunId = await ctx.store.lockHolder(lockKeyFor(notebookTarget(notebookId)), ctx.now());
  return { nextRunAt, activeRunId };
}

/** Queues a run now through the worker; CONFLICT while one runs or is queued. */
export async function queueNotebookRun(
  ctx: SchedulerContext,
  actor: string,
  notebookId: string,
): Promise<{ queued: true; target: string }> {
  const target = notebookTarget(notebookId);
  await assertNoManualRunOf(ctx, target).catch((error: unknown) => {
    if (error instanceof ApiError)
      throw new ApiError('CONFLICT', error.message.replace(target, 'This notebook'));
    throw error;
  });
  const oneOff: OneOffJobData = {
    target,
    trigger: 'manual',
    attempt: 1,
    scheduledFor: null,
    options: { requestedBy: actor },
  };
  await ctx.agenda.now(NOTEBOOK_JOB_TYPE, oneOff);
  await ctx.store.recordScheduleChange({
    at: ctx.now(),
    actor,
    schedule: notebookScheduleName(notebookId),
    action: 'run-now',
    before: null,
    after: null,
  });
  return { queued: true, target };
}
