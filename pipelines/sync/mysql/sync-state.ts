// The sync state table (one row per MySQL table) and the per-table lock. The row is written with the client
// given, so the caller decides the transaction: the final batch of a sync and its state update commit together.

import { createHash } from 'node:crypto';
import { SyncError } from '../errors';
import type { MySqlClient } from './connection';
import { ADDED_STATE_COLUMNS, buildCreateStateTableSql, SYNC_STATE_TABLE } from './ddl';
import { quoteName, quoteTable } from './identifiers';
import type { MySqlColumn } from './type-mapping';

export type SyncStatusValue = 'running' | 'succeeded' | 'failed';
export type SyncMode = 'full' | 'incremental' | 'noop';

export interface SyncStateRow {
  tableName: string;
  deltaTableRoot: string;
  /** metaData.id of the Delta table last synced (null before it was recorded). */
  deltaTableId: string | null;
  keyColumns: string[];
  /** Column mapping the MySQL table was built with (null until the first full load). */
  columns: MySqlColumn[] | null;
  /** Last Delta version MySQL equals. */
  deltaVersion: number | null;
  /** Version a started sync was bringing MySQL to; a rerun finishes it first (see sync-table.ts). */
  pendingVersion: number | null;
  status: SyncStatusValue;
  mode: SyncMode | null;
  startedAt: string | null;
  syncedAt: string | null;
  rowsUpserted: number;
  rowsDeleted: number;
  /** Rows in the MySQL table when the last sync committed (counted in its transaction); null before recorded. */
  mysqlRows: number | null;
  durationMs: number | null;
  errorCode: string | null;
  error: string | null;
  /** When the source read behind the synced version began (ISO); null when unknown (see sync/data-as-of.ts). */
  dataAsOf: string | null;
  /** The synced version's watermark: the newest change it holds (source text). */
  newestChange: string | null;
  /** Data older than this is stale (from the pipeline definition); null when no limit was given. */
  freshnessLimitSeconds: number | null;
  updatedAt: string;
}

const STATE = quoteName(SYNC_STATE_TABLE);

/** DATETIME(6) text of an instant, in UTC. */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** ISO-8601 UTC text of a DATETIME(6) read as text. */
export function parseDateTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return `${String(value).replace(' ', 'T')}Z`;
}

/** The same instant as Date.toISOString writes it (what commitInfo holds), or null. */
const toIsoInstant = (text: string | null): string | null =>
  text === null ? null : new Date(text).toISOString();

const toNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function toStateRow(row: Record<string, unknown>): SyncStateRow {
  return {
    tableName: String(row.table_name),
    deltaTableRoot: String(row.delta_table_root),
    deltaTableId: (row.delta_table_id ?? null) as string | null,
    keyColumns: JSON.parse(String(row.key_columns)) as string[],
    columns: row.column_types ? (JSON.parse(String(row.column_types)) as MySqlColumn[]) : null,
    deltaVersion: toNumber(row.delta_version),
    pendingVersion: toNumber(row.pending_version),
    status: String(row.status) as SyncStatusValue,
    mode: (row.mode ?? null) as SyncMode | null,
    startedAt: parseDateTime(row.started_at),
    syncedAt: parseDateTime(row.synced_at),
    rowsUpserted: Number(row.rows_upserted ?? 0),
    rowsDeleted: Number(row.rows_deleted ?? 0),
    mysqlRows: toNumber(row.mysql_rows),
    durationMs: toNumber(row.duration_ms),
    errorCode: (row.error_code ?? null) as string | null,
    error: (row.error ?? null) as string | null,
    dataAsOf: toIsoInstant(parseDateTime(row.data_as_of)),
    newestChange: (row.newest_change ?? null) as string | null,
    freshnessLimitSeconds: toNumber(row.freshness_limit_seconds),
    updatedAt: parseDateTime(row.updated_at) ?? '',
  };
}

export async function ensureStateTable(client: MySqlClient): Promise<void> {
  await client.execute(buildCreateStateTableSql());
  // State tables made by older versions get the newer columns (MySQL 8 has no ADD COLUMN IF NOT EXISTS).
  for (const column of ADDED_STATE_COLUMNS) {
    if (await hasStateColumn(client, column.name)) continue;
    try {
      await client.execute(
        `ALTER TABLE ${STATE} ADD COLUMN ${quoteName(column.name)} ${column.definition} AFTER ${quoteName(column.after)}`,
      );
    } catch (error) {
      // Another sync may have added it between our look and our ALTER: then the table is as wanted.
      if (!(await hasStateColumn(client, column.name))) throw error;
    }
  }
}

async function hasStateColumn(client: MySqlClient, name: string): Promise<boolean> {
  const [found] = await client.query(
    `SELECT COUNT(*) AS n FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [SYNC_STATE_TABLE, name],
  );
  return Number(found?.n ?? 0) > 0;
}

export async function readSyncState(client: MySqlClient, table: string): Promise<SyncStateRow | null> {
  const rows = await client.query(`SELECT * FROM ${STATE} WHERE table_name = ?`, [table]);
  return rows[0] ? toStateRow(rows[0]) : null;
}

export async function listSyncStates(client: MySqlClient): Promise<SyncStateRow[]> {
  const exists = await client.query(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [SYNC_STATE_TABLE],
  );
  if (exists.length === 0) return [];
  const rows = await client.query(`SELECT * FROM ${STATE} ORDER BY table_name`);
  return rows.map(toStateRow);
}

/** Marks a sync as started towards `pendingVersion` (its own statement: it must survive a failed sync). */
export async function markSyncStarted(
  client: MySqlClient,
  start: { table: string; deltaTableRoot: string; keyColumns: string[]; pendingVersion: number; now: Date },
): Promise<void> {
  const now = formatDateTime(start.now);
  await client.execute(
    `INSERT INTO ${STATE} (table_name, delta_table_root, key_columns, pending_version, status, started_at, updated_at)
     VALUES (?, ?, ?, ?, 'running', ?, ?)
     ON DUPLICATE KEY UPDATE delta_table_root = VALUES(delta_table_root), key_columns = VALUES(key_columns),
       pending_version = VALUES(pending_version), status = VALUES(status), started_at = VALUES(started_at),
       updated_at = VALUES(updated_at)`,
    [start.table, start.deltaTableRoot, JSON.stringify(start.keyColumns), start.pendingVersion, now, now],
  );
}

export interface SyncSuccess {
  table: string;
  /** metaData.id of the Delta table synced: a table recreated at the same root has another. */
  tableId: string;
  version: number;
  mode: SyncMode;
  columns: MySqlColumn[];
  rowsUpserted: number;
  rowsDeleted: number;
  /** Rows in the MySQL table as this sync leaves it; null keeps the one recorded (a no-op sync). */
  mysqlRows: number | null;
  durationMs: number;
  now: Date;
  /** The synced version's data-as-of and newest change (sync/data-as-of.ts); null when unknown. */
  dataAsOf: string | null;
  newestChange: string | null;
  /** The table's freshness limit; undefined keeps the one recorded (a sync run by hand does not know it). */
  freshnessLimitSeconds?: number;
}

/**
 * Rows of a synced table, counted by the sync in the transaction that records its state (once per sync, so the
 * status never has to count: read-sync-status.ts reads the recorded figure).
 */
export async function countRows(client: MySqlClient, table: string): Promise<number> {
  const [row] = await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${quoteTable(table)}`);
  return Number(row?.n ?? 0);
}

/** Records a finished sync; run it in the transaction of the last batch. */
export async function recordSyncSuccess(client: MySqlClient, success: SyncSuccess): Promise<void> {
  const now = formatDateTime(success.now);
  await client.execute(
    `UPDATE ${STATE} SET delta_table_id = ?, delta_version = ?, pending_version = NULL, status = 'succeeded', mode = ?, column_types = ?,
       synced_at = ?, rows_upserted = ?, rows_deleted = ?, mysql_rows = COALESCE(?, mysql_rows), duration_ms = ?, error_code = NULL, error = NULL,
       data_as_of = ?, newest_change = ?, freshness_limit_seconds = COALESCE(?, freshness_limit_seconds),
       updated_at = ? WHERE table_name = ?`,
    [
      success.tableId,
      success.version,
      success.mode,
      JSON.stringify(success.columns),
      now,
      success.rowsUpserted,
      success.rowsDeleted,
      success.mysqlRows,
      success.durationMs,
      success.dataAsOf === null ? null : formatDateTime(new Date(success.dataAsOf)),
      success.newestChange === null ? null : success.newestChange.slice(0, 64),
      success.freshnessLimitSeconds ?? null,
      now,
      success.table,
    ],
  );
}

export async function recordSyncFailure(
  client: MySqlClient,
  failure: { table: string; errorCode: string; error: string; durationMs: number; now: Date },
): Promise<void> {
  await client.execute(
    `UPDATE ${STATE} SET status = 'failed', error_code = ?, error = ?, duration_ms = ?, updated_at = ? WHERE table_name = ?`,
    [
      failure.errorCode,
      failure.error.slice(0, 60000),
      failure.durationMs,
      formatDateTime(failure.now),
      failure.table,
    ],
  );
}

/** Name of a table's lock, within MySQL's 64-character limit for lock names. */
export async function getLockName(client: MySqlClient, table: string): Promise<string> {
  const [row] = await client.query<{ db: string | null }>('SELECT DATABASE() AS db');
  const name = `lakehouse_sync.${row?.db ?? ''}.${table}`;
  return name.length <= 64 ? name : `lakehouse_sync.${createHash('sha1').update(name).digest('hex')}`;
}

/**
 * Takes the table's lock on this connection (released when it closes or is killed). A second sync of the same
 * table, in any process, waits at most `timeoutSeconds`, then fails with SYNC_LOCKED.
 */
export async function acquireSyncLock(
  client: MySqlClient,
  table: string,
  timeoutSeconds: number,
): Promise<string> {
  const name = await getLockName(client, table);
  const [row] = await client.query<{ got: number | string | null }>('SELECT GET_LOCK(?, ?) AS got', [
    name,
    timeoutSeconds,
  ]);
  if (Number(row?.got) !== 1) {
    throw new SyncError(
      'SYNC_LOCKED',
      `Another sync of MySQL table '${table}' is running (lock '${name}' not free after ${timeoutSeconds}s)`,
    );
  }
  return name;
}

export async function releaseSyncLock(client: MySqlClient, name: string): Promise<void> {
  await client.query('SELECT RELEASE_LOCK(?) AS released', [name]);
}

/** True when no session holds the table's lock (a 'running' row with a free lock is an interrupted sync). */
export async function isSyncLockFree(client: MySqlClient, table: string): Promise<boolean> {
  const name = await getLockName(client, table);
  const [row] = await client.query<{ free: number | string | null }>('SELECT IS_FREE_LOCK(?) AS free', [
    name,
  ]);
  return Number(row?.free) === 1;
}
