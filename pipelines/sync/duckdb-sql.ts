// DuckDB SQL for the sync (pure): values rendered as the text MySQL expects, lengths to size VARCHARs, the
// row-level change set between two file sets, CSV export for LOAD DATA, and canonical row checksums for verify.

import { quoteIdentifier, quoteLiteral } from '../delta/schema';
import type { ColumnKind, MySqlColumn } from './mysql/type-mapping';

/** Text MySQL reads back as the same value (NULL stays NULL); NaN/±Infinity have no MySQL form and become NULL. */
export function buildExportExpression(source: string, kind: ColumnKind): string {
  switch (kind) {
    case 'float':
      return `CASE WHEN isfinite(${source}) THEN CAST(${source} AS VARCHAR) END`;
    case 'datetime':
      return `strftime(${source}, '%Y-%m-%d %H:%M:%S.%f')`;
    case 'boolean':
      return `CAST(CAST(${source} AS INTEGER) AS VARCHAR)`;
    case 'binary':
      return `hex(${source})`;
    case 'json':
      return `CAST(to_json(${source}) AS VARCHAR)`;
    default:
      return `CAST(${source} AS VARCHAR)`;
  }
}

/** Text that verify-sql's MySQL expression reproduces from the stored value. */
export function buildCanonicalExpression(source: string, kind: ColumnKind): string {
  if (kind === 'float') return `CASE WHEN isfinite(${source}) THEN printf('%.4f', ${source}) END`;
  return buildExportExpression(source, kind);
}

/** Output column name of the i-th exported column (plain, so COPY options can name it). */
export function getExportAlias(index: number): string {
  return `c${index}`;
}

/** SELECT of the exported text columns (aliases c0…) over a query that yields the Delta columns. */
export function buildExportSelect(sourceSql: string, columns: MySqlColumn[], orderBy: string[] = []): string {
  const projection = columns.map(
    (column, index) =>
      `${buildExportExpression(`s.${quoteIdentifier(column.name)}`, column.kind)} AS ${getExportAlias(index)}`,
  );
  const order = orderBy.length
    ? ` ORDER BY ${orderBy.map((name) => `s.${quoteIdentifier(name)}`).join(', ')}`
    : '';
  return `SELECT ${projection.join(', ')} FROM (${sourceSql}) AS s${order}`;
}

/**
 * CSV that `LOAD DATA … FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''` reads exactly:
 * NULL as the bare word NULL, every text value quoted (so the string 'NULL' and '' survive), quotes doubled.
 */
export function buildCsvCopySql(exportSql: string, columns: MySqlColumn[], localPath: string): string {
  const quoted = columns
    .map((column, index) =>
      ['integer', 'decimal', 'float', 'boolean'].includes(column.kind) ? null : getExportAlias(index),
    )
    .filter((alias): alias is string => alias !== null);
  const force = quoted.length ? `, FORCE_QUOTE (${quoted.join(', ')})` : '';
  return `COPY (${exportSql}) TO ${quoteLiteral(localPath)} (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR 'NULL', USE_TMP_FILE false${force})`;
}

/** Row count and the longest value of each string (characters) and binary (bytes) column. */
export function buildMeasureSql(
  sourceSql: string,
  columns: { name: string; kind: 'string' | 'binary' }[],
): string {
  const measures = columns.map(
    (column, index) =>
      `max(${column.kind === 'binary' ? 'octet_length' : 'length'}(s.${quoteIdentifier(column.name)})) AS m${index}`,
  );
  return `SELECT count(*) AS row_count${measures.map((m) => `, ${m}`).join('')} FROM (${sourceSql}) AS s`;
}

export const CHANGE_TABLES = { upserts: 'sync_upserts', deletes: 'sync_deletes' } as const;

/**
 * Statements that leave two temp tables: `sync_upserts` (rows of added files that are not an unchanged copy of a
 * removed row, compared by key and content hash) and `sync_deletes` (keys of removed rows absent from added files).
 */
export function buildChangeSetSql(
  removedSql: string,
  addedSql: string,
  columnNames: string[],
  keyColumns: string[],
): string[] {
  const all = columnNames.map(quoteIdentifier);
  const keys = keyColumns.map(quoteIdentifier);
  const hash = `hash(${all.map((name) => `s.${name}`).join(', ')}) AS "__row_hash"`;
  const on = (left: string, right: string, withHash: boolean) =>
    [
      ...keys.map((key) => `${left}.${key} = ${right}.${key}`),
      ...(withHash ? [`${left}."__row_hash" = ${right}."__row_hash"`] : []),
    ].join(' AND ');
  return [
    `CREATE OR REPLACE TEMP TABLE sync_removed AS SELECT ${keys.map((key) => `s.${key}`).join(', ')}, ${hash} FROM (${removedSql}) AS s`,
    `CREATE OR REPLACE TEMP TABLE sync_added AS SELECT s.*, ${hash} FROM (${addedSql}) AS s`,
    `CREATE OR REPLACE TEMP TABLE ${CHANGE_TABLES.upserts} AS SELECT ${all.map((name) => `a.${name}`).join(', ')} FROM sync_added AS a ANTI JOIN sync_removed AS r ON ${on('a', 'r', true)}`,
    `CREATE OR REPLACE TEMP TABLE ${CHANGE_TABLES.deletes} AS SELECT DISTINCT ${keys.map((key) => `r.${key}`).join(', ')} FROM sync_removed AS r ANTI JOIN sync_added AS a ON ${on('r', 'a', false)}`,
    'DROP TABLE sync_removed',
    'DROP TABLE sync_added',
  ];
}

/** Per-row key text, key bucket (3 hex digits of md5) and row checksum over canonical values. */
export function buildChecksumSelect(sourceSql: string, columns: MySqlColumn[], keyColumns: string[]): string {
  const text = (names: MySqlColumn[]) =>
    `concat_ws(chr(31), ${names.map((column) => `coalesce(${buildCanonicalExpression(`s.${quoteIdentifier(column.name)}`, column.kind)}, chr(30))`).join(', ')})`;
  const keys = keyColumns.map((name) => columns.find((column) => column.name === name) as MySqlColumn);
  return `SELECT ${text(keys)} AS key_text, substr(md5(${text(keys)}), 1, 3) AS bucket, md5(${text(columns)}) AS row_hash FROM (${sourceSql}) AS s`;
}

/** Per bucket: row count and XOR of the first 64 bits of the row checksums. */
export function buildBucketSummarySql(checksumSql: string): string {
  return `SELECT bucket, count(*) AS row_count, CAST(bit_xor(CAST('0x' || substr(row_hash, 1, 16) AS UBIGINT)) AS VARCHAR) AS xor_hash FROM (${checksumSql}) AS c GROUP BY bucket`;
}

export function buildBucketRowsSql(checksumSql: string, buckets: string[]): string {
  return `SELECT key_text, row_hash FROM (${checksumSql}) AS c WHERE bucket IN (${buckets.map(quoteLiteral).join(', ')})`;
}
