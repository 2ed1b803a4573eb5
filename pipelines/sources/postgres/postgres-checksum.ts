// PostgreSQL's spelling of the reconcile row checksum (../checksum-sql.ts). Strings and other text-rendered types
// use the extract's own expression, so the text hashed is the text that was loaded.

import type { ChecksumColumn, ChecksumDialect } from '../checksum-sql';
import { SourceError, type TableRef } from '../source';
import { qualifyPostgresTable } from './postgres-sql';
import { quotePostgres, selectPostgresColumn } from './type-mapping';

function canonical(column: ChecksumColumn): string {
  const ref = quotePostgres(column.name);
  const { kind, precision, scale } = column.type;
  switch (kind) {
    case 'integer':
      return `${ref}::text`;
    case 'decimal':
      return `CAST(${ref} AS numeric(${precision}, ${scale}))::text`;
    case 'date':
      return `to_char(${ref}, 'YYYY-MM-DD')`;
    case 'timestamp':
      // extract(epoch) of a timestamp without time zone reads it as UTC, as the extract does.
      return `trunc(extract(epoch FROM ${ref}) * 1000000)::bigint::text`;
    case 'boolean':
      return `CASE WHEN ${ref} THEN 'true' WHEN NOT ${ref} THEN 'false' END`;
    case 'binary':
      return `encode(${ref}, 'hex')`;
    case 'string':
      if (!column.source) throw new SourceError('INVALID_IDENTIFIER', `No source column for ${column.name}`);
      return selectPostgresColumn(column.name, column.source.sourceType);
  }
}

export function postgresChecksumDialect(table: TableRef): ChecksumDialect {
  return {
    from: qualifyPostgresTable(table),
    quote: quotePostgres,
    canonical,
    md5: (text) => `md5(${text})`,
    hexToInt: (hex) => `('x' || ${hex})::bit(60)::bigint`,
    concat: (parts) => `(${parts.join(' || ')})`,
    toText: (expression) => `(${expression})::text`,
    literal: (text) => `'${text.replace(/'/g, "''")}'`,
    renderKey: (column) => selectPostgresColumn(column.name, column.sourceType),
  };
}
