// DDL generation (pure): target tables, schema evolution, the sync state table. InnoDB, utf8mb4 and
// ROW_FORMAT=DYNAMIC so that 768-character VARCHAR keys stay indexable; every statement runs on MySQL 8 and
// MariaDB 10.11.

import { SyncError } from '../errors';
import { quoteColumn, quoteName, quoteTable } from './identifiers';
import type { MySqlColumn } from './type-mapping';

export const SYNC_STATE_TABLE = '_lakehouse_sync_state';
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC';

export interface TableDefinition {
  table: string;
  columns: MySqlColumn[];
  keyColumns: string[];
  /** Extra (non-unique) indexes, each a list of columns. */
  indexes?: string[][];
}

function formatColumn(column: MySqlColumn): string {
  return `${quoteColumn(column.name)} ${column.sqlType} ${column.nullable ? 'NULL' : 'NOT NULL'}`;
}

/** Index name from its columns, kept within 64 characters. */
export function getIndexName(columns: string[], position: number): string {
  const base = `ix_${position}_${columns.join('_').replace(/[^A-Za-z0-9_]/g, '')}`;
  return base.slice(0, 64);
}

export function buildCreateTableSql(definition: TableDefinition): string {
  const known = new Set(definition.columns.map((column) => column.name));
  for (const name of [...definition.keyColumns, ...(definition.indexes ?? []).flat()]) {
    if (!known.has(name)) throw new SyncError('INVALID_ARGUMENT', `Unknown key or index column '${name}'`);
  }
  const lines = [
    ...definition.columns.map(formatColumn),
    `PRIMARY KEY (${definition.keyColumns.map(quoteColumn).join(', ')})`,
    ...(definition.indexes ?? []).map(
      (columns, index) =>
        `KEY ${quoteName(getIndexName(columns, index + 1))} (${columns.map(quoteColumn).join(', ')})`,
    ),
  ];
  return `CREATE TABLE ${quoteTable(definition.table)} (\n  ${lines.join(',\n  ')}\n) ${TABLE_OPTIONS}`;
}

/** Adds Delta columns that appeared after the table was created; they are always nullable (old rows lack them). */
export function buildAddColumnsSql(table: string, columns: MySqlColumn[]): string {
  if (columns.length === 0) throw new SyncError('INVALID_ARGUMENT', 'No columns to add');
  const clauses = columns.map((column) => `ADD COLUMN ${formatColumn({ ...column, nullable: true })}`);
  return `ALTER TABLE ${quoteTable(table)} ${clauses.join(', ')}`;
}

export function buildDropTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${quoteTable(table)}`;
}

/** One atomic swap: readers see the old table or the new one, never neither. */
export function buildSwapTablesSql(table: string, shadow: string, old: string | null): string {
  return old === null
    ? `RENAME TABLE ${quoteTable(shadow)} TO ${quoteTable(table)}`
    : `RENAME TABLE ${quoteTable(table)} TO ${quoteTable(old)}, ${quoteTable(shadow)} TO ${quoteTable(table)}`;
}

/**
 * Columns added to the state table after it was first shipped, in order, with the column each goes after: a state
 * table made by an older version gets them (sync-state.ts ensureStateTable).
 */
export const ADDED_STATE_COLUMNS: { name: string; definition: string; after: string }[] = [
  { name: 'delta_table_id', definition: 'VARCHAR(64) NULL', after: 'delta_table_root' },
  // Freshness (issue 14): the synced version's data-as-of, newest change, and the table's limit.
  { name: 'data_as_of', definition: 'DATETIME(6) NULL', after: 'error' },
  { name: 'newest_change', definition: 'VARCHAR(64) NULL', after: 'data_as_of' },
  { name: 'freshness_limit_seconds', definition: 'BIGINT NULL', after: 'newest_change' },
  // Issue 17: the MySQL table's row count as the last sync committed it, so status pages need no COUNT(*).
  { name: 'mysql_rows', definition: 'BIGINT NULL', after: 'rows_deleted' },
];

export function buildCreateStateTableSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteName(SYNC_STATE_TABLE)} (
  table_name VARCHAR(64) NOT NULL,
  delta_table_root VARCHAR(1024) NOT NULL,
  delta_table_id VARCHAR(64) NULL,
  key_columns TEXT NOT NULL,
  column_types MEDIUMTEXT NULL,
  delta_version BIGINT NULL,
  pending_version BIGINT NULL,
  status VARCHAR(16) NOT NULL,
  mode VARCHAR(16) NULL,
  started_at DATETIME(6) NULL,
  synced_at DATETIME(6) NULL,
  rows_upserted BIGINT NOT NULL DEFAULT 0,
  rows_deleted BIGINT NOT NULL DEFAULT 0,
  mysql_rows BIGINT NULL,
  duration_ms BIGINT NULL,
  error_code VARCHAR(64) NULL,
  error TEXT NULL,
  data_as_of DATETIME(6) NULL,
  newest_change VARCHAR(64) NULL,
  freshness_limit_seconds BIGINT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (table_name)
) ${TABLE_OPTIONS}`;
}
