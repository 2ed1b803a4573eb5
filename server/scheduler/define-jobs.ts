// Registers the job types the worker processes. Each Agenda job is a thin entry point: read the job's data,
// then one command, executeRun, which owns locking, the run record, lineage, timeout and retries. Runners are
// injected: the worker passes the real ones (pipeline-runners.ts); a runner left out falls back to
// NOT_BUILT_RUNNERS, which fail its runs plainly.

import type { Agenda, Job } from 'agenda';
import type { RunEvent } from '@/pipelines/lineage';
import type { JobRunOptions } from '@/pipelines/runner/job-context';
import type { ControlStore } from '../store/control-store';
import { nominalTime } from './cron';
import { executeRun, type ActiveRuns, type Clock, type RetryPolicy, type RunRequest } from './execute-run';
import { JOB_TYPES, runnerFor, type JobRunners, type JobType } from './runner-types';

/** Data of a recurring schedule's Agenda job. */
export interface ScheduleJobData {
  scheduleName: string;
  target: string;
}

/** Data of a one-off job: a manual run or a retry. `fromSchedule` (not scheduleName) keeps it apart. */
export interface OneOffJobData {
  target: string;
  trigger: 'manual' | 'retry';
  attempt: number;
  scheduledFor: string | null;
  fromSchedule?: string;
  /** A retry's first attempt's run id, so the runner can find what that attempt already did. */
  firstRunId?: string;
  /** `pipeline.reconcile`: repair the differing keys (a scheduled reconcile only compares). */
  repair?: boolean;
  /** `pipeline.run` only: a table reload or time-range re-extract (pipelines/runner/job-context.ts). */
  options?: JobRunOptions;
}

export interface DefineJobsDeps extends JobRunners {
  store: ControlStore;
  clock: Clock;
  worker: string;
  emitLineage: (event: RunEvent) => Promise<void>;
  lineageNamespace?: string;
  lockTtlMs?: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  activeRuns?: ActiveRuns;
  log?: (line: string) => void;
  /** Runs of one job type this process works on at once (different targets; one per target anyway). */
  concurrency?: number;
  /** Agenda's own job lock; extended on every heartbeat. Agenda also sleeps half of it between liveness
   * checks, which keeps a process alive that long after a job, so tests pass a short one. */
  agendaLockLifetimeMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

export function requestFromJob(jobType: JobType, job: Job<ScheduleJobData | OneOffJobData>): RunRequest {
  const data = job.attrs.data;
  if ('scheduleName' in data && typeof job.attrs.repeatInterval === 'string') {
    const started = job.attrs.lastRunAt ?? new Date();
    return {
      jobType,
      target: data.target,
      trigger: 'schedule',
      attempt: 1,
      scheduledFor: nominalTime(job.attrs.repeatInterval, job.attrs.repeatTimezone ?? 'UTC', started),
    };
  }
  const oneOff = data as OneOffJobData;
  return {
    jobType,
    target: oneOff.target,
    trigger: oneOff.trigger,
    attempt: oneOff.attempt,
    scheduledFor: oneOff.scheduledFor ? new Date(oneOff.scheduledFor) : null,
    ...(oneOff.firstRunId ? { firstRunId: oneOff.firstRunId } : {}),
    ...(oneOff.repair ? { repair: true } : {}),
    ...(oneOff.options ? { options: oneOff.options } : {}),
  };
}

export function defineJobs(agenda: Agenda, deps: DefineJobsDeps): JobType[] {
  const lockTtlMs = deps.lockTtlMs ?? 60_000;
  for (const jobType of JOB_TYPES) {
    agenda.define<ScheduleJobData | OneOffJobData>(
      jobType,
      async (job) => {
        await executeRun(
          {
            store: deps.store,
            clock: deps.clock,
            runner: runnerFor(deps, jobType),
            worker: deps.worker,
            lockTtlMs,
            timeoutMs: deps.timeoutMs ?? 2 * 60 * 60_000,
            retry: deps.retry ?? DEFAULT_RETRY,
            lineageNamespace: deps.lineageNamespace ?? 'county-lakehouse',
            emitLineage: deps.emitLineage,
            activeRuns: deps.activeRuns,
            log: deps.log,
            // Extend Agenda's own job lock too, so no other worker takes a long run for dead.
            onHeartbeat: () => job.touch(),
            scheduleRetry: async (at, request) => {
              const data: OneOffJobData = {
                target: request.target,
                trigger: 'retry',
                attempt: request.attempt,
                scheduledFor: request.scheduledFor?.toISOString() ?? null,
                ...(request.firstRunId ? { firstRunId: request.firstRunId } : {}),
                ...(request.repair ? { repair: true } : {}),
                ...(request.options ? { options: request.options } : {}),
              };
              await agenda.schedule(at, jobType, data);
            },
          },
          requestFromJob(jobType, job),
        );
      },
      {
        concurrency: deps.concurrency ?? 4,
        lockLifetime: deps.agendaLockLifetimeMs ?? Math.max(lockTtlMs * 2, 10 * 60_000),
        removeOnComplete: true,
      },
    );
  }
  return [...JOB_TYPES];
}
