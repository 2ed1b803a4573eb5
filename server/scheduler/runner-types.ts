// What a job type calls to do its work. The real runners (extract → Delta → MySQL sync, sync alone, Delta
// maintenance) are built in pipeline-runners.ts; a worker started without one gets notBuiltRunner, which fails
// every run plainly.

import type { JobContext, JobResult } from '@/pipelines/runner/job-context';
import type { RunTrigger } from '../store/types';

export const JOB_TYPES = [
  'pipeline.run',
  'sync.run',
  'delta.maintenance',
  'pipeline.reconcile',
  // A scheduled notebook (server/notebook-runs), target `notebook:<id>`; its schedule is set on the notebook.
  'notebook.run',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

/**
 * The worker's side of the contract (pipelines/runner/job-context.ts): every member a runner may use is given,
 * plus what only the scheduler knows.
 */
export interface RunContext extends Required<JobContext> {
  jobType: JobType;
  trigger: RunTrigger;
  attempt: number;
  /** The scheduled time this run stands for, if a schedule started it. */
  scheduledFor: Date | null;
}

export type JobRunner = (context: RunContext) => Promise<JobResult | void>;

export interface JobRunners {
  runPipeline: JobRunner;
  runSync: JobRunner;
  runMaintenance: JobRunner;
  runReconcile: JobRunner;
  runNotebook: JobRunner;
}

/** An error that retrying cannot fix (bad configuration, missing code). */
export class PermanentRunError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'PermanentRunError';
  }
}

export function notBuiltRunner(what: string): JobRunner {
  return async () => {
    throw new PermanentRunError(
      `${what} is not built yet: no runner is wired into the worker, so nothing ran`,
    );
  };
}

export const NOT_BUILT_RUNNERS: JobRunners = {
  runPipeline: notBuiltRunner('The pipeline runner (extract → Delta → MySQL sync)'),
  runSync: notBuiltRunner('The MySQL sync runner'),
  runMaintenance: notBuiltRunner('Delta maintenance (checkpoint, optimize, vacuum)'),
  runReconcile: notBuiltRunner('Reconcile (source vs Delta checksums, repair)'),
  runNotebook: notBuiltRunner('The scheduled notebook runner'),
};

export function runnerFor(runners: JobRunners, jobType: JobType): JobRunner {
  switch (jobType) {
    case 'pipeline.run':
      return runners.runPipeline;
    case 'sync.run':
      return runners.runSync;
    case 'delta.maintenance':
      return runners.runMaintenance;
    case 'pipeline.reconcile':
      return runners.runReconcile;
    case 'notebook.run':
      return runners.runNotebook;
  }
}
