// Public surface of the Delta reader. Writers and other modules import from here; internals may move.

export type * from './actions';
export { DeltaError, isDeltaError, type DeltaErrorCode } from './errors';
export type { ReadEffects } from './checkpoint';
export { readCheckpointActions, readParquetActions } from './checkpoint';
export { decodeZ85, loadDeletedRows, resolveDeletionVectorLocation } from './deletion-vectors';
export {
  openChangeFeed,
  streamChangeRows,
  type ChangeBatch,
  type ChangeFeed,
  type ChangeRange,
  type ChangeSource,
} from './changes';
export { readHistory, type HistoryEntry } from './history';
export {
  buildLogSegment,
  findLatestVersion,
  formatVersion,
  joinLakePath,
  listLogFiles,
  listLogFilesFrom,
  listLogForVersion,
  parseLastCheckpoint,
  readLastCheckpoint,
  canRebuildFromCheckpoint,
  collectCheckpoints,
  parseLogFileName,
  type LastCheckpointHint,
  type ListedLog,
  type Checkpoint,
  type LogFile,
  type LogSegment,
} from './log-files';
export { parseCommitText } from './parse-commit';
export { parsePartitionValue, toPartitionSqlLiteral, type PartitionValue } from './partition-values';
export { canonicalizePath, decodePathUri, isAbsolutePath } from './paths';
export { readPhysicalSchemas, type PhysicalNode } from './physical-schema';
export { assertReadable, hasFeature, SUPPORTED_READER_FEATURES } from './protocol';
export { readCommit } from './read-commit';
export { getDeletionVectorId, getLogicalFileKey, replayActions, type ReplayedState } from './replay';
export { planScan, readSnapshotRows, type ScanOptions, type ScanPlan } from './scan';
export { buildScanSql, type FileScanInput } from './scan-sql';
export {
  containsVariant,
  getColumnMappingMode,
  getFieldId,
  getPhysicalName,
  parseSchemaString,
  quoteIdentifier,
  toDuckDbType,
  type ColumnMappingMode,
  type DeltaType,
  type StructField,
  type StructType,
} from './schema';
export {
  loadSnapshot,
  loadSnapshotFromLog,
  loadTableState,
  type Snapshot,
  type SnapshotOptions,
} from './snapshot';
export { getStatValue, parseFileStats, type FileStats } from './stats';
export {
  readCommitTimestamps,
  resolveVersionAtTimestamp,
  type CommitTimestamp,
  type TimestampSource,
} from './time-travel';

// The writer (pipelines/delta/write): operations, commits, checkpoints.
export * from './write';
