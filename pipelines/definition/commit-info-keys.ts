// Keys under which the data plane records its facts in a Delta commit's commitInfo. Here, in the vocabulary, so
// that both the CDC (which writes them) and the sync (which carries "data as of" into MySQL) can read them:
// those two folders are peers and may not import each other.

/** The key under which a pipeline run records itself (cdc/plan-run.ts RunInfo) in commitInfo. */
export const RUN_INFO_KEY = 'pipelineRun';
