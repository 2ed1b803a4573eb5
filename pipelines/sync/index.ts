// Public surface of the MySQL sync: the server, the worker and the CLI import from here.

export { DEFAULT_MYSQL_URL } from './default-target';
export { describeError, isSyncError, SyncError, type SyncErrorCode } from './errors';
export { connectMySql, createMySqlConnector, type ConnectMySql, type MySqlClient } from './mysql/connection';
export { buildCreateTableSql, SYNC_STATE_TABLE, type TableDefinition } from './mysql/ddl';
export {
  mapDeltaSchema,
  mapDeltaType,
  type MySqlColumn,
  type TypeMappingOptions,
} from './mysql/type-mapping';
export { listSyncStates, readSyncState, type SyncMode, type SyncStateRow } from './mysql/sync-state';
export {
  describeTrust,
  formatAge,
  judgeFreshness,
  type Freshness,
  type FreshnessJudgement,
} from './freshness';
export { readSyncStatus, type SyncHealth, type TableSyncStatus } from './read-sync-status';
export { syncTable } from './sync-table';
export type { BatchInfo, SyncEffects, SyncResult, SyncTableOptions } from './types';
export { verifyTable, type KeyDifference, type VerifyOptions, type VerifyResult } from './verify-table';
