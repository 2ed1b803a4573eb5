// Registers the job types the worker processes. Each Agenda job is a thin entry point: read the job's data,
// then one command, executeRun, which owns locking, the run record, lineage, timeout and retries. Runners are
// injected: the worker passes the real ones (pipeline-runners.ts); a runner left out falls back to
// NOT_BUILT_RUNNERS, which fail its runs plainly.

import type { Agenda, Job } from 'agenda';
import type { RunEvent } from '@/pipelines/lineage';
import type { JobRunOptions } from '@/pipelines/runner/job-context';
import type { ControlStore } from '../store/control-store';
import type { RunRecord } from '../store/types';
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
  /** Runs of dead workers found abandoned when a run starts (the worker queues their retries). */
  onAbandoned?: (runs: RunRecord[]) => Promise<void>;
  /** Agenda's own job lock; extended on every heartbeat. Agenda also sleeps half of it between liveness
   * checks, which keeps a process alive that long after a job, so tests pass a short one. */
  agendaLockLifetimeMs?: number;
}

/** Runs of one job type a worker works on at once (WORKER_CONCURRENCY's default). */
export const DEFAULT_CONCURRENCY = 4;

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

/**
 * Most attempts of a run whose worker died: the retry policy's, but at least one retry even with retries off
 * (the run did not fail, its worker did), and never more, so a run that kills its worker each time stops.
 */
export const handedOnAttempts = (retry: RetryPolicy) => Math.max(2, retry.maxAttempts);

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
        const request = requestFromJob(jobType, job);
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
            ...(deps.onAbandoned ? { onAbandoned: deps.onAbandoned } : {}),
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
          request,
        );
      },
      {
        concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY,
        // Lock no more than it can run: what it cannot start yet stays free for another worker.
        ...(deps.concurrency ? { lockLimit: deps.concurrency } : {}),
        lockLifetime: deps.agendaLockLifetimeMs ?? Math.max(lockTtlMs * 2, 10 * 60_000),
        removeOnComplete: true,
      },
    );
  }
  return [...JOB_TYPES];
}
