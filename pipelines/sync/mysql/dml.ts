// MySQL statements that move rows (pure): LOAD DATA of the exported CSV, batched upserts and deletes by key with
// `?` placeholders (mysql2 escapes the values client-side), and the checksum queries verify compares.

import { SyncError } from '../errors';
import { quoteColumn, quoteTable } from './identifiers';
import type { ColumnKind, MySqlColumn } from './type-mapping';

/** Placeholder for one exported text value: binary arrives as hex. */
function placeholder(kind: ColumnKind): string {
  return kind === 'binary' ? 'UNHEX(?)' : '?';
}

/** LOAD DATA LOCAL INFILE for the CSV of duckdb-sql's buildCsvCopySql; binary columns go through a variable. */
export function buildLoadDataSql(table: string, columns: MySqlColumn[], fileName: string): string {
  const targets = columns.map((column, index) =>
    column.kind === 'binary' ? `@v${index}` : quoteColumn(column.name),
  );
  const sets = columns
    .map((column, index) =>
      column.kind === 'binary' ? `${quoteColumn(column.name)} = UNHEX(@v${index})` : null,
    )
    .filter((set): set is string => set !== null);
  const file = `'${fileName.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return (
    `LOAD DATA LOCAL INFILE ${file} INTO TABLE ${quoteTable(table)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\\n' ` +
    `(${targets.join(', ')})${sets.length ? ` SET ${sets.join(', ')}` : ''}`
  );
}

/** Multi-row INSERT; with `upsert`, existing keys take the new values (`VALUES(c)` runs on MySQL 8 and MariaDB). */
export function buildInsertSql(
  table: string,
  columns: MySqlColumn[],
  rowCount: number,
  upsert: boolean,
): string {
  if (rowCount < 1) throw new SyncError('INVALID_ARGUMENT', 'An INSERT needs at least one row');
  const row = `(${columns.map((column) => placeholder(column.kind)).join(', ')})`;
  const names = columns.map((column) => quoteColumn(column.name));
  const sql = `INSERT INTO ${quoteTable(table)} (${names.join(', ')}) VALUES ${Array(rowCount).fill(row).join(', ')}`;
  if (!upsert) return sql;
  const updates = columns.length ? names.map((name) => `${name} = VALUES(${name})`) : [];
  return `${sql} ON DUPLICATE KEY UPDATE ${updates.join(', ')}`;
}

/** DELETE by key: `k IN (…)` for one key column, row constructors `(a, b) IN ((…), …)` for several. */
export function buildDeleteSql(table: string, keyColumns: MySqlColumn[], rowCount: number): string {
  if (rowCount < 1) throw new SyncError('INVALID_ARGUMENT', 'A DELETE needs at least one key');
  const single = keyColumns.length === 1;
  const names = keyColumns.map((column) => quoteColumn(column.name));
  const tuple = keyColumns.map((column) => placeholder(column.kind)).join(', ');
  const left = single ? names[0] : `(${names.join(', ')})`;
  const item = single ? tuple : `(${tuple})`;
  return `DELETE FROM ${quoteTable(table)} WHERE ${left} IN (${Array(rowCount).fill(item).join(', ')})`;
}

/** MySQL text of a stored value equal to duckdb-sql's buildCanonicalExpression of the Delta value. */
export function buildMySqlCanonicalExpression(column: MySqlColumn): string {
  const name = quoteColumn(column.name);
  switch (column.kind) {
    case 'float':
      return `CAST(CAST(${name} AS DECIMAL(65,4)) AS CHAR)`;
    case 'datetime':
      return `DATE_FORMAT(${name}, '%Y-%m-%d %H:%i:%s.%f')`;
    case 'binary':
      return `HEX(${name})`;
    case 'string':
      return name;
    default:
      return `CAST(${name} AS CHAR)`;
  }
}

function buildText(columns: MySqlColumn[]): string {
  return `CONCAT_WS(CHAR(31), ${columns.map((column) => `COALESCE(${buildMySqlCanonicalExpression(column)}, CHAR(30))`).join(', ')})`;
}

/** Per-row key text, bucket and checksum of a MySQL table (same definitions as the DuckDB side). */
export function buildMySqlChecksumSelect(
  table: string,
  columns: MySqlColumn[],
  keyColumns: string[],
): string {
  const keys = keyColumns.map((name) => columns.find((column) => column.name === name) as MySqlColumn);
  return `SELECT CONVERT(${buildText(keys)} USING utf8mb4) AS key_text, LEFT(MD5(${buildText(keys)}), 3) AS bucket, MD5(${buildText(columns)}) AS row_hash FROM ${quoteTable(table)}`;
}

export function buildMySqlBucketSummarySql(checksumSql: string): string {
  return `SELECT bucket, COUNT(*) AS row_count, CAST(BIT_XOR(CAST(CONV(SUBSTRING(row_hash, 1, 16), 16, 10) AS UNSIGNED)) AS CHAR) AS xor_hash FROM (${checksumSql}) AS c GROUP BY bucket`;
}

export function buildMySqlBucketRowsSql(checksumSql: string, bucketCount: number): string {
  return `SELECT key_text, row_hash FROM (${checksumSql}) AS c WHERE bucket IN (${Array(bucketCount).fill('?').join(', ')})`;
}
