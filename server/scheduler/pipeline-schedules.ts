// Schedules from the pipeline definitions, created once at worker start: `<pipeline>` runs the pipeline on the
// definition's cron (its time zone, else SCHEDULE_TIMEZONE) and `<pipeline>.maintenance` maintains its Delta
// tables daily at a quiet hour, `<pipeline>.reconcile` compares its tables with the source weekly (compare only;
// an admin starts a repair). ensureSchedules leaves an existing schedule exactly as it is, so an admin's
// edit survives restarts. A bad definition is logged with its file and error; the others are still scheduled.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDefinitionsDir } from '@/pipelines/definition/definitions-dir';
import type { PipelineDefinition } from '@/pipelines/definition/load-definition';
import { ensureSchedules, type CreateScheduleInput, type SchedulerContext } from './schedules';

/** 03:30: after the hourly run at :00 has long finished, before the working day. */
export const MAINTENANCE_CRON = '30 3 * * *';
/** Sunday 04:30: weekly, after maintenance, on the quietest day; a definition's schedule.reconcile replaces it. */
export const RECONCILE_CRON = '30 4 * * 0';

export function schedulesFor(
  definition: PipelineDefinition,
  timezone: string,
): Omit<CreateScheduleInput, 'paused'>[] {
  const zone = definition.schedule.timeZone ?? timezone;
  return [
    {
      name: definition.name,
      jobType: 'pipeline.run',
      target: definition.name,
      cron: definition.schedule.cron,
      timezone: zone,
    },
    {
      name: `${definition.name}.maintenance`,
      jobType: 'delta.maintenance',
      target: definition.name,
      cron: MAINTENANCE_CRON,
      timezone: zone,
    },
    {
      name: `${definition.name}.reconcile`,
      jobType: 'pipeline.reconcile',
      target: definition.name,
      cron: definition.schedule.reconcile ?? RECONCILE_CRON,
      timezone: zone,
    },
  ];
}

export interface SchedulePipelinesResult {
  created: string[];
  pipelines: string[];
  failures: { file: string; message: string }[];
}

export async function schedulePipelines(
  ctx: SchedulerContext,
  dir: string,
  log: (line: string) => void,
): Promise<SchedulePipelinesResult> {
  const { definitions, failures } = await loadDefinitionsDir(dir);
  const result: SchedulePipelinesResult = {
    created: [],
    pipelines: [],
    failures: failures.map(({ file, error }) => ({ file, message: error.message })),
  };
  for (const failure of result.failures)
    log(`pipeline definition ${failure.file} not scheduled: ${failure.message}`);
  // Workers starting together would each find a schedule missing and each create it (Agenda's unique upsert
  // looks, then inserts): two jobs for one schedule run every slot twice. One worker at a time creates them.
  const owner = randomUUID();
  const deadline = Date.now() + 60_000;
  while (!(await ctx.store.acquireLock(CREATE_LOCK, owner, 60_000, ctx.now()))) {
    if (Date.now() > deadline) throw new Error('another worker held the schedule-creation lock for 60 s');
    await sleep(100);
  }
  try {
    await ensureAll(ctx, definitions, result, log);
  } finally {
    await ctx.store.releaseLock(CREATE_LOCK, owner);
  }
  if (result.created.length > 0) log(`schedules created from definitions: ${result.created.join(', ')}`);
  return result;
}

/** The control store lock key that serializes schedule creation across workers. */
const CREATE_LOCK = 'schedules:create';

async function ensureAll(
  ctx: SchedulerContext,
  definitions: PipelineDefinition[],
  result: SchedulePipelinesResult,
  log: (line: string) => void,
): Promise<void> {
  for (const definition of definitions) {
    try {
      const created = await ensureSchedules(ctx, schedulesFor(definition, ctx.timezone));
      result.created.push(...created);
      result.pipelines.push(definition.name);
    } catch (error) {
      const message = (error as Error).message;
      result.failures.push({ file: definition.file, message });
      log(`pipeline definition ${definition.file} not scheduled: ${message}`);
    }
  }
}
