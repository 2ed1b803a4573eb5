// Oracle's spelling of the reconcile row checksum (../checksum-sql.ts): STANDARD_HASH (12c+) over the row text
// (VARCHAR2: rows whose canonical text passes 4,000 bytes, or 32,767 with MAX_STRING_SIZE=EXTENDED, fail with
// ORA-01489 and the table cannot be reconciled). The database character set must be AL32UTF8 for the bytes to
// match the other engines (the default since 12.2). Not run here: no Oracle server can run on these machines;
// its SQL is golden-tested and the live suite runs with ORACLE_URL.

import type { ChecksumColumn, ChecksumDialect } from '../checksum-sql';
import { SourceError, type TableRef } from '../source';
import { qualifyOracleTable } from './oracle-sql';
import { quoteOracle, selectOracleColumn } from './type-mapping';

/** Epoch microseconds of a UTC TIMESTAMP expression: days, hours, minutes and seconds of the interval since 1970. */
function epochMicros(utc: string): string {
  const since = `(${utc} - TIMESTAMP '1970-01-01 00:00:00')`;
  return (
    `TO_CHAR(EXTRACT(DAY FROM ${since}) * 86400000000 + EXTRACT(HOUR FROM ${since}) * 3600000000 + ` +
    `EXTRACT(MINUTE FROM ${since}) * 60000000 + ROUND(EXTRACT(SECOND FROM ${since}) * 1000000))`
  );
}

function canonical(column: ChecksumColumn): string {
  const ref = quoteOracle(column.name);
  const { kind, precision = 38, scale = 0 } = column.type;
  const source = column.source;
  if (!source) throw new SourceError('INVALID_IDENTIFIER', `No source column for ${column.name}`);
  const dataType = source.sourceType.replace(/\(\d+,\d+\)$/, '').toUpperCase();
  switch (kind) {
    case 'integer':
      return `TO_CHAR(${ref})`;
    case 'decimal': {
      const digits = `${'9'.repeat(Math.max(precision - scale - 1, 0))}0${scale > 0 ? `.${'0'.repeat(scale)}` : ''}`;
      return `TO_CHAR(${ref}, 'FM${digits}')`;
    }
    case 'date':
      return `TO_CHAR(${ref}, 'YYYY-MM-DD')`;
    case 'timestamp':
      if (/WITH TIME ZONE$/.test(dataType) && !/LOCAL/.test(dataType))
        return epochMicros(`CAST(SYS_EXTRACT_UTC(${ref}) AS TIMESTAMP)`);
      return epochMicros(`CAST(${ref} AS TIMESTAMP)`);
    case 'boolean':
      return `TO_CHAR(${ref})`;
    case 'binary':
      return `LOWER(RAWTOHEX(${ref}))`;
    case 'string':
      return `TO_CHAR(${selectOracleColumn(column.name, dataType)})`;
  }
}

export function oracleChecksumDialect(table: TableRef): ChecksumDialect {
  return {
    from: qualifyOracleTable(table),
    quote: quoteOracle,
    canonical,
    md5: (text) => `LOWER(RAWTOHEX(STANDARD_HASH(${text}, 'MD5')))`,
    hexToInt: (hex) => `TO_NUMBER(${hex}, 'XXXXXXXXXXXXXXX')`,
    concat: (parts) => `(${parts.join(' || ')})`,
    toText: (expression) => `TO_CHAR(${expression})`,
    literal: (text) => `'${text.replace(/'/g, "''")}'`,
    renderKey: (column) => selectOracleColumn(column.name, column.sourceType.replace(/\(\d+,\d+\)$/, '')),
  };
}
