// Keys under which the data plane records its facts in a Delta commit's commitInfo. Here, in the vocabulary, so
// that both the CDC (which writes them) and the sync (which carries "data as of" into MySQL) can read them:
// those two folders are peers and may not import each other.

/** The key under which a pipeline run records itself (cdc/plan-run.ts RunInfo) in commitInfo. */
export const RUN_INFO_KEY = 'pipelineRun';

/** The key under which a restore records, per pipeline table, the state it brings back (cdc/pipeline-state.ts). */
export const RESTORE_INFO_KEY = 'pipelineRestore';

/** The key a repair commit (reconcile, re-extract of a time range) carries: it keeps the pipeline's state. */
export const REPAIR_INFO_KEY = 'pipelineRepair';

/** commitInfo.pipelineRepair: what a repair commit re-extracted, and why. */
export interface RepairInfo {
  pipeline: string;
  table: string;
  runId: string;
  reason: 'reconcile' | 'range';
  rows: number;
}

/** A repair's own txn appId: its retries apply once, and the run sequence (`<pipeline>/<table>`) is not moved. */
export function getRepairAppId(pipeline: string, table: string): string {
  return `${pipeline}/${table}/repair`;
}
