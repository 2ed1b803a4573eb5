// What a job type calls to do its work. The real runners (extract → Delta → MySQL sync, sync alone, Delta
// maintenance) are built in pipeline-runners.ts; a worker started without one gets notBuiltRunner, which fails
// every run plainly.

import type { DatasetDescription, OutputDescription } from '../../pipelines/lineage/build-events';
import type { LogLevel, RunProgress, RunTrigger } from '../store/types';

export const JOB_TYPES = ['pipeline.run', 'sync.run', 'delta.maintenance'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export interface RunContext {
  runId: string;
  /** The first attempt's run id (this run's own id on a first attempt): runners key idempotence on it. */
  firstRunId: string;
  jobType: JobType;
  /** The pipeline (or table) the run works on. */
  target: string;
  trigger: RunTrigger;
  attempt: number;
  /** The scheduled time this run stands for, if a schedule started it. */
  scheduledFor: Date | null;
  /** Aborted on timeout, cancel, lost lock or shutdown; pass it to every query and fetch. */
  signal: AbortSignal;
  progress(progress: RunProgress): Promise<void>;
  log(level: LogLevel, message: string): Promise<void>;
  /** Datasets the run reads and writes, known before it finishes; used by the FAIL lineage event. */
  declareLineage(lineage: RunLineage): void;
  /**
   * Records one step of the run (a table's extract, apply or sync) as its own lineage run, a child of this one,
   * so the graph links each dataset to the ones it was made from rather than to every input of the run.
   */
  reportStep(step: RunStep): Promise<void>;
}

export interface RunLineage {
  inputs?: DatasetDescription[];
  outputs?: OutputDescription[];
  /** Steps reported through reportStep link the datasets; the run's own events add no graph edges. */
  linkedBySteps?: boolean;
}

export interface RunStep {
  /** Names the step's job, after the run's target: `<target>.<name>`, e.g. county-ops.parcels.extract. */
  name: string;
  startedAt: Date;
  inputs?: DatasetDescription[];
  outputs?: OutputDescription[];
  /** Set when the step failed: its events end in FAIL with this message. */
  error?: { message: string; stack?: string };
}

export interface RunResult {
  /** Datasets read and written, with versions and statistics, for the COMPLETE lineage event. */
  lineage?: RunLineage;
}

export type JobRunner = (context: RunContext) => Promise<RunResult | void>;

export interface JobRunners {
  runPipeline: JobRunner;
  runSync: JobRunner;
  runMaintenance: JobRunner;
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
};

export function runnerFor(runners: JobRunners, jobType: JobType): JobRunner {
  switch (jobType) {
    case 'pipeline.run':
      return runners.runPipeline;
    case 'sync.run':
      return runners.runSync;
    case 'delta.maintenance':
      return runners.runMaintenance;
  }
}
