// MySQL / MariaDB's spelling of the reconcile row checksum (../checksum-sql.ts). Text is converted to utf8mb4
// before md5, so a latin1 column hashes the same UTF-8 bytes DuckDB sees. The session runs at UTC (time_zone
// +00:00), so TIMESTAMP columns read as the extract read them.

import type { ChecksumColumn, ChecksumDialect } from '../checksum-sql';
import { SourceError, type TableRef } from '../source';
import { qualifyMysqlTable } from './mysql-sql';
import { quoteMysql, selectMysqlColumn } from './type-mapping';

function canonical(column: ChecksumColumn): string {
  const ref = quoteMysql(column.name);
  const { kind, precision, scale } = column.type;
  const source = column.source;
  if (!source) throw new SourceError('INVALID_IDENTIFIER', `No source column for ${column.name}`);
  switch (kind) {
    case 'integer':
      return `CAST(${selectMysqlColumn(column.name, source.sourceType)} AS CHAR)`;
    case 'decimal':
      return `CAST(CAST(${ref} AS DECIMAL(${precision}, ${scale})) AS CHAR)`;
    case 'date':
      return `DATE_FORMAT(${ref}, '%Y-%m-%d')`;
    case 'timestamp':
      return `CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ${ref}) AS CHAR)`;
    case 'boolean':
      return `CASE WHEN ${ref} THEN 'true' WHEN NOT ${ref} THEN 'false' END`;
    case 'binary':
      return `LOWER(HEX(${ref}))`;
    case 'string':
      return `CONVERT(${selectMysqlColumn(column.name, source.sourceType)} USING utf8mb4)`;
  }
}

export function mysqlChecksumDialect(table: TableRef): ChecksumDialect {
  return {
    from: qualifyMysqlTable(table),
    quote: quoteMysql,
    canonical,
    md5: (text) => `MD5(CONVERT(${text} USING utf8mb4))`,
    hexToInt: (hex) => `CAST(CONV(${hex}, 16, 10) AS UNSIGNED)`,
    concat: (parts) => `CONCAT(${parts.join(', ')})`,
    toText: (expression) => `CAST(${expression} AS CHAR)`,
    // Backslashes are doubled: with the default sql_mode a backslash escapes in a MySQL string literal.
    literal: (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
    renderKey: (column) => selectMysqlColumn(column.name, column.sourceType),
  };
}
