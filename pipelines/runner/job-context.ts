// What a job runner gets from the worker, typed structurally (pipelines/ never imports server/): the
// scheduler's RunContext fits, and tests pass plain objects. Progress is merged into the run record, so a
// runner reports only what changed; per-table figures go under `<table>.<figure>` next to the run's totals.

import type { RunLineage } from './describe-lineage';

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

export interface JobContext {
  runId: string;
  /** The run id of the first attempt when this is a retry: the pipeline's run id, so nothing applies twice. */
  firstRunId?: string;
  /** The pipeline: a name found in the pipelines folder, or a definition file. */
  target: string;
  signal: AbortSignal;
  log(level: LogLevel, message: string): Promise<void>;
  progress?(progress: JobProgress): Promise<void>;
  /** Datasets known before the run finishes, so a FAIL lineage event still names them. */
  declareLineage?(lineage: Partial<RunLineage> & { linkedBySteps?: boolean }): void;
  /** One table's extract, apply or sync as a lineage step run of this run (the scheduler's RunStep). */
  reportStep?(step: JobStep): Promise<void>;
}

export interface JobStep {
  name: string;
  startedAt: Date;
  inputs?: RunLineage['inputs'];
  outputs?: RunLineage['outputs'];
  error?: { message: string; stack?: string };
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
        .catch(() => undefined);
    }
  }
}
