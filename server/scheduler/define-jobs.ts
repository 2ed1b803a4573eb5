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
  /**
   * The run this job started, noted when it started: a job delivered again with it set was handed on from a
   * worker that died mid-run, and runs as that run's retry (attempt + 1).
   */
  startedRunId?: string;
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
  // Handed on from a dead worker: its run is abandoned (the sweep has marked it or the next start will), so this
  // delivery is the next attempt of the same run.
  const handedOn = oneOff.startedRunId !== undefined;
  return {
    jobType,
    target: oneOff.target,
    trigger: handedOn ? 'retry' : oneOff.trigger,
    attempt: handedOn ? oneOff.attempt + 1 : oneOff.attempt,
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
        const data = job.attrs.data as Partial<OneOffJobData>;
        if (data.startedRunId && request.attempt > handedOnAttempts(deps.retry ?? DEFAULT_RETRY)) {
          deps.log?.(
            `${jobType} ${request.target}: run ${data.startedRunId} was attempt ${request.attempt - 1}, its last; not run again`,
          );
          return;
        }
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
            // A one-off job (manual run, retry) notes the run it started: should this worker die, Agenda hands
            // the job to another worker once its lock lapses, and that delivery is then a retry of the noted
            // run (attempt n+1, same first run), with the job's options. A recurring job's killed run is
            // retried by the sweep instead (start-worker.ts): Agenda would only run it again at its next slot.
            onStarted: async (runId) => {
              if (typeof job.attrs.repeatInterval === 'string') return;
              const data: OneOffJobData = {
                ...(job.attrs.data as OneOffJobData),
                trigger: request.trigger === 'manual' ? 'manual' : 'retry',
                attempt: request.attempt,
                firstRunId: request.firstRunId ?? runId,
                startedRunId: runId,
              };
              job.attrs.data = data;
              await job.save();
            },
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
