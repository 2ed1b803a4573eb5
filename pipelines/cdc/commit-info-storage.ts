// The run's facts (run id, watermark, source position, run sequence) travel IN the one Delta commit of the run,
// as extra commitInfo fields (the writer's `extraCommitInfo`), so the next run reads its state from the table
// itself. Delta allows any field in commitInfo (PROTOCOL.md "Commit Provenance Information"); other engines
// ignore it.

/** The key under which a pipeline run records itself in commitInfo. */
export const RUN_INFO_KEY = 'pipelineRun';

/**
 * The key under which a repair (a re-extract of some rows that is not a pipeline run: a time range, reconcile's
 * keys) records itself. Such a commit carries no pipelineRun and uses its own txn appId, so the pipeline's
 * watermark and run sequence stay where they were (contract shared with reconcile and rollback).
 */
export const REPAIR_INFO_KEY = 'pipelineRepair';
