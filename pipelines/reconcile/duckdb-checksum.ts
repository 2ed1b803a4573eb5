// DuckDB's spelling of the reconcile row checksum (pipelines/sources/checksum-sql.ts), over the rows of a Delta
// snapshot (the scan query planScan builds). Values are typed here (Delta's types), so every kind has one form.

import type { ChecksumColumn, ChecksumDialect } from '../sources/checksum-sql';
import { toSqlString } from '../engine/duckdb-session';

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function canonical(column: ChecksumColumn): string {
  const ref = quote(column.name);
  const { kind, precision, scale } = column.type;
  switch (kind) {
    case 'integer':
      return `CAST(${ref} AS VARCHAR)`;
    case 'decimal':
      return `CAST(CAST(${ref} AS DECIMAL(${precision}, ${scale})) AS VARCHAR)`;
    case 'date':
      return `strftime(${ref}, '%Y-%m-%d')`;
    case 'timestamp':
      return `CAST(epoch_us(${ref}) AS VARCHAR)`;
    case 'boolean':
      return `CASE WHEN ${ref} THEN 'true' WHEN NOT ${ref} THEN 'false' END`;
    case 'binary':
      return `lower(hex(${ref}))`;
    case 'string':
      return `CAST(${ref} AS VARCHAR)`;
  }
}

/** The dialect over a query's rows (e.g. a snapshot's scan SQL). */
export function duckdbChecksumDialect(rowsSql: string): ChecksumDialect {
  return {
    from: `(${rowsSql}) AS delta_rows`,
    quote,
    canonical,
    md5: (text) => `md5(${text})`,
    hexToInt: (hex) => `CAST('0x' || ${hex} AS BIGINT)`,
    concat: (parts) => `(${parts.join(' || ')})`,
    toText: (expression) => `CAST(${expression} AS VARCHAR)`,
    literal: toSqlString,
    renderKey: (column) => `CAST(${quote(column.name)} AS VARCHAR)`,
  };
}
