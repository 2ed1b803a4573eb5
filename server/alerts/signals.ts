// What the evaluator looks at: the latest finished run of each (job type, pipeline) with its data-quality
// results, and the sync status of each MySQL table. Gathered by collect-signals.ts; plain data, so the
// evaluation is a pure function.

/** A data-quality check result (contracts.md #4). Read defensively: the field may be missing on old runs. */
export interface CheckOutcome {
  table: string;
  check: string;
  severity: 'error' | 'warn';
  passed: boolean;
  message: string;
}

export interface RunSignal {
  id: string;
  pipeline: string;
  jobType: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'abandoned';
  finishedAt: Date | null;
  attempt: number;
  error: string | null;
  /** The run's check results; null when the run recorded none (an older run, or no checks ran). */
  quality: CheckOutcome[] | null;
}

export interface SyncTableSignal {
  table: string;
  /** 'in-sync' | 'lagging' | 'failed' | 'stale' (contracts.md #6); any other state counts as OK. */
  state: string;
  lastError: string | null;
  lagVersions: number | null;
  lagMinutes: number | null;
  ageSeconds?: number | null;
  freshnessLimitSeconds?: number | null;
}

export interface AlertSignals {
  /** The latest finished run per (jobType, pipeline), newest first. */
  runs: RunSignal[];
  /** Every synced table; null when the sync status could not be read (sync incidents stay as they are). */
  sync: SyncTableSignal[] | null;
}
