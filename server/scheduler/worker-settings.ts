// How WORKER_CONCURRENCY and WORKER_LOCK_LIFETIME_SECONDS become the worker's locks and limits (README "More
// workers"). One lifetime drives both locks a run holds: the control database's per-pipeline run lock (renewed
// every third of it by the run's heartbeat) and Agenda's job lock, twice as long, so Agenda never hands a job whose
// run is alive to another worker. A worker silent for the lifetime is taken for dead: the next sweep (every half
// lifetime, at most 30 s) marks its run abandoned and queues the retry on whichever worker polls first.

import type { Env } from '../config/env';
import type { StartWorkerOptions } from './start-worker';

export interface WorkerSettings {
  jobOptions: NonNullable<StartWorkerOptions['jobOptions']>;
  sweepEveryMs: number;
}

export function workerSettings(
  env: Pick<Env, 'WORKER_CONCURRENCY' | 'WORKER_LOCK_LIFETIME_SECONDS'>,
): WorkerSettings {
  const lifetimeMs = env.WORKER_LOCK_LIFETIME_SECONDS * 1000;
  return {
    jobOptions: {
      concurrency: env.WORKER_CONCURRENCY,
      lockTtlMs: lifetimeMs,
      agendaLockLifetimeMs: 2 * lifetimeMs,
    },
    sweepEveryMs: Math.min(30_000, Math.max(500, Math.floor(lifetimeMs / 2))),
  };
}
