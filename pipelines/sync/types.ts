// Effects, options and results of a sync (shared by the full load, the incremental sync and the orchestrator).

import type { DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import type { ConnectMySql, MySqlClient } from './mysql/connection';
import type { SyncMode } from './mysql/sync-state';

export interface SyncEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  /** Opens a MySQL connection (one per sync; a second one only to record a failure). */
  connect: ConnectMySql;
  now?: () => Date;
  log?: (line: string) => void;
  /** Where CSV files for LOAD DATA are written (default: the OS temp folder). */
  tempDir?: string;
  /**
   * Stops the sync (a run's timeout or cancel): the MySQL connection is killed from a second one, so its open
   * transaction rolls back and the state row keeps the last version MySQL equals, and DuckDB is interrupted.
   */
  signal?: AbortSignal;
  /** Called before each batch (tests use it to interrupt a sync). */
  beforeBatch?: (batch: BatchInfo) => Promise<void>;
}

export interface BatchInfo {
  index: number;
  kind: 'upsert' | 'delete' | 'insert';
  rows: number;
  client: MySqlClient;
}

export interface SyncTableOptions {
  /** Lake-relative Delta table root. */
  tableRoot: string;
  mysqlTable: string;
  keyColumns: string[];
  /** Extra indexes, each a list of columns. */
  indexes?: string[][];
  /** Resync from scratch even when an incremental sync is possible. */
  full?: boolean;
  /** Rows per INSERT/DELETE statement (default 1000). */
  batchRows?: number;
  /** Rows per key range when a full load of rows already in key order goes in ranges (full-load.ts). */
  loadRangeRows?: number;
  /** How long a second sync of the same table waits for the lock (default 0: fail at once). */
  lockTimeoutSeconds?: number;
  /** Above this fraction of the table's rows, changes are applied by a full resync (default 0.5). */
  maxChangeFraction?: number;
  /**
   * Read the changes from the table's change data feed when every commit since the last sync allows it (default
   * true); false always diffs the two snapshots' files.
   */
  changeFeed?: boolean;
  /** 'auto' uses LOAD DATA LOCAL INFILE when the server allows it (default), else batched INSERTs. */
  loadMethod?: 'auto' | 'load-data' | 'insert';
  maxVarcharLength?: number;
  decimalOverflow?: 'error' | 'varchar';
  /**
   * The table's freshness limit (its pipeline definition's), recorded with the state so the status can say
   * "stale" even when runs have stopped. Absent: the recorded one is kept.
   */
  freshnessLimitSeconds?: number;
}

export interface SyncResult {
  table: string;
  mode: SyncMode;
  fromVersion: number | null;
  version: number;
  rowsUpserted: number;
  rowsDeleted: number;
  durationMs: number;
  /** Why an incremental sync became a full resync. */
  fallbackReason?: string;
  /** Where an incremental sync's changes came from: the change data feed or the diff of files. */
  changeSource?: 'feed' | 'files';
  loadMethod?: 'load-data' | 'insert';
}
