// Public surface of the Delta writer (also re-exported from pipelines/delta/index.ts).

export { ENGINE_INFO, getNow, type WriteEffects, type WriteHooks } from './effects';
export { createTable, type CreateTableOptions } from './create-table';
export { append, overwrite, type AppendOptions, type OverwriteOptions } from './write-table';
export { merge, type MergeOptions, type MergeResult } from './merge';
export { restore, type RestoreOptions } from './restore';
export { setTableProperties } from './set-properties';
export {
  CHANGE_DATA_FEED_PROPERTY,
  isChangeDataFeedEnabled,
  writeChangeDataFiles,
  type ChangeType,
} from './change-data';
export { DEFAULT_MAX_DELETED_ROWS_RATIO, optimize, type OptimizeOptions } from './optimize';
export { writeDeletionVectors, type WrittenDeletionVectors } from './deletion-vector-writer';
export { vacuum, type VacuumOptions, type VacuumResult } from './vacuum';
export {
  buildCheckpointActions,
  CHECKPOINT_COLUMN_TYPES,
  getCheckpointPath,
  writeCheckpoint,
  type CheckpointInfo,
} from './write-checkpoint';
export { cleanupExpiredLogs, selectExpiredLogFiles } from './log-cleanup';
export {
  buildCommitInfo,
  getCommitPath,
  serializeActions,
  writeCommitFile,
  type CommitInfoInput,
} from './commit-file';
export { checkWinningCommit, type ReadPredicate, type TransactionReads } from './conflicts';
export {
  commitTransaction,
  DEFAULT_MAX_COMMIT_ATTEMPTS,
  type CommitOptions,
  type CommitRequest,
  type CommitResult,
} from './transaction';
export {
  CHANGE_DATA_DIR,
  CHANGE_TYPE_COLUMN,
  writeDataFiles,
  deleteDataFiles,
  type DataLayout,
  type WriteDataFilesInput,
} from './data-files';
export { computeFileStats } from './file-stats';
export { buildPartitionDir, encodePathUri, escapePathName, formatPartitionSql } from './partition-paths';
export { describeQuery, reconcileSchema, toDeltaType, toSchemaString } from './table-schema';
export { assertWritable, isDeletionVectorsEnabled, requireProtocol } from './write-protocol';
export type { TxnOption, WriteResult } from './write-support';
