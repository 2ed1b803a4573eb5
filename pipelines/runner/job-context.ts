// The worker↔runner contract, defined once here in the data plane: what a job runner gets from the worker and
// what it returns. pipelines/ never imports server/, so the scheduler's RunContext extends JobContext (adding what
// only the scheduler knows), and tests pass plain objects. Progress is merged into the run record, so a runner
// reports only what changed; per-table figures go under `<table>.<figure>` next to the run's totals.

import type { ReconcileTableResult } from '../reconcile/reconcile-result';
import type { DatasetDescription, OutputDescription } from '../lineage/build-events';
import type { CheckResult } from '../quality/check-result';
import { logCleanupFailure } from '../support/cleanup';

export type { CheckResult };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JobProgress {
  stage?: 'extract' | 'apply' | 'sync' | 'maintenance' | 'done' | (string & {});
  rowsExtracted?: number;
  files?: number;
  bytes?: number;
  deltaVersion?: number;
  rowsSynced?: number;
  [key: string]: string | number | boolean | null | undefined;
}

/** Datasets a run reads and writes (the COMPLETE event's, or declared early for a FAIL event). */
export interface JobLineage {
  inputs?: DatasetDescription[];
  outputs?: OutputDescription[];
  /** Steps reported through reportStep link the datasets; the run's own events add no graph edges. */
  linkedBySteps?: boolean;
}

export interface JobContext {
  runId: string;
  /**
   * The run id of the first attempt (this run's own id on a first attempt): the pipeline's run id, so nothing
   * applies twice across retries.
   */
  firstRunId?: string;
  /** The pipeline: a name found in the pipelines folder, or a definition file. */
  target: string;
  /** `pipeline.reconcile` only: repair the differing keys (an admin asked for it); compare only otherwise. */
  repair?: boolean;
  /** What a one-off run was asked for beyond a plain run (a table reload, a time-range re-extract). */
  options?: JobRunOptions;
  /** Aborted on timeout, cancel, lost lock or shutdown; pass it to every query and fetch. */
  signal: AbortSignal;
  log(level: LogLevel, message: string): Promise<void>;
  progress?(progress: JobProgress): Promise<void>;
  /** Datasets known before the run finishes, so a FAIL lineage event still names them. */
  declareLineage?(lineage: JobLineage): void;
  /**
   * Records one step of the run (a table's extract, apply or sync) as its own lineage run, a child of this one,
   * so the graph links each dataset to the ones it was made from rather than to every input of the run.
   */
  reportStep?(step: JobStep): Promise<void>;
}

/** A one-off pipeline run's options, carried in its job's data (a plain run has none). */
export interface JobRunOptions {
  /** Only these tables (all when absent). */
  tables?: string[];
  /** Reload the tables in full (overwrite) instead of reading from their watermarks. */
  full?: boolean;
  /**
   * Re-extract the rows of one incremental table whose watermark is in [from, to) (ISO-8601 UTC) and merge them
   * without moving its watermark (a repair commit).
   */
  range?: { table: string; from: string; to: string };
  /** Who asked for a one-off run (a notebook's Run now records the user in its manifest). */
  requestedBy?: string;
}

export interface JobStep {
  /** Names the step's job, after the run's target: `<target>.<name>`, e.g. county-ops.parcels.extract. */
  name: string;
  startedAt: Date;
  inputs?: DatasetDescription[];
  outputs?: OutputDescription[];
  /** Set when the step failed: its events end in FAIL with this message. */
  error?: { message: string; stack?: string };
}

/**
 * What a run found, stored with its record (control_runs.results): the data-quality checks' results, and the
 * reconcile's per-table comparison. A runner that fails may attach them to its error as `error.results`.
 */
export interface RunResults {
  quality?: CheckResult[];
  /** A reconcile run's comparison per table (counts, differing keys, what a repair wrote). */
  reconcile?: ReconcileTableResult[];
}

export interface JobResult {
  /** Datasets read and written, with versions and statistics, for the COMPLETE lineage event. */
  lineage?: JobLineage;
  /** Stored with the run record when the run finishes. */
  results?: RunResults;
}

/**
 * The error, carrying the run's results so the worker stores them with the failed run. A failed check is not
 * retried: the retry would read the same extract (or the same snapshot) and fail the same way.
 */
export function withResults<E extends Error>(error: E, results: RunResults): E & { results: RunResults } {
  const quality = (error as { code?: string }).code === 'QUALITY_CHECK_FAILED';
  return Object.assign(error, { results, ...(quality ? { retryable: false } : {}) });
}

/** The results a failed runner attached to its error, if any. */
export function resultsOfError(error: unknown): RunResults | undefined {
  const results = (error as { results?: unknown } | null)?.results;
  return results !== null && typeof results === 'object' ? (results as RunResults) : undefined;
}

type Figure = 'rowsExtracted' | 'files' | 'bytes' | 'rowsSynced';

/** Keeps a run's totals and per-table figures, and writes each change through context.progress. */
export class ProgressTracker {
  private readonly totals: Record<Figure, number> = { rowsExtracted: 0, files: 0, bytes: 0, rowsSynced: 0 };

  constructor(private readonly context: Pick<JobContext, 'progress' | 'log'>) {}

  async stage(stage: string, extra: JobProgress = {}): Promise<void> {
    await this.write({ stage, ...extra });
  }

  /** Adds to the totals, records the table's own figures (added up too) and any other values as given. */
  async table(table: string, add: Partial<Record<Figure, number>>, set: JobProgress = {}): Promise<void> {
    const update: JobProgress = {};
    for (const [figure, amount] of Object.entries(add) as [Figure, number][]) {
      this.totals[figure] += amount;
      update[figure] = this.totals[figure];
      update[`${table}.${figure}`] = amount;
    }
    for (const [key, value] of Object.entries(set)) {
      update[`${table}.${key}`] = value;
      if (key === 'deltaVersion' && typeof value === 'number') update.deltaVersion = value;
    }
    await this.write(update);
  }

  /** Progress is for people watching: failing to record it is logged, and never fails the run. */
  private async write(update: JobProgress): Promise<void> {
    try {
      await this.context.progress?.(update);
    } catch (error) {
      await this.context
        .log('warn', `progress not recorded: ${(error as Error).message}`)
        .catch(logCleanupFailure('run log line'));
    }
  }
}
