// Keys under which the data plane records its facts in a Delta commit's commitInfo. Here, in the vocabulary, so
// that both the CDC (which writes them) and the sync (which carries "data as of" into MySQL) can read them:
// those two folders are peers and may not import each other.

/** The key under which a pipeline run records itself (cdc/plan-run.ts RunInfo) in commitInfo. */
export const RUN_INFO_KEY = 'pipelineRun';

/** The key under which a restore records, per pipeline table, the state it brings back (cdc/pipeline-state.ts). */
export const RESTORE_INFO_KEY = 'pipelineRestore';

/** The key a repair commit (reconcile, re-extract of a time range) carries: it keeps the pipeline's state. */
export const REPAIR_INFO_KEY = 'pipelineRepair';
