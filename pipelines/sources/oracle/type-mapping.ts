// Oracle column types → Delta/DuckDB types, and the SELECT expression rendering each column as text DuckDB
// decodes. Pure; input is ALL_TAB_COLUMNS' DATA_TYPE, DATA_PRECISION and DATA_SCALE. Timestamps are rendered in
// UTC by the database (SYS_EXTRACT_UTC; the session time zone is UTC for LOCAL TIME ZONE), so no zone is
// guessed on our side.

import { SourceError, type MappedType } from '../source';

export interface OracleColumnType {
  dataType: string;
  precision: number | null;
  scale: number | null;
}

const STRING: MappedType = { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' };
const DOUBLE: MappedType = { delta: 'double', duckdb: 'DOUBLE', decode: 'cast' };
const BINARY: MappedType = { delta: 'binary', duckdb: 'BLOB', decode: 'hex' };
const UTC_TIMESTAMP: MappedType = { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'utc_timestamp' };

/** NUMBER without precision can hold 38 significant digits at any scale: decimal(38,10) like Spark's dialect. */
export const UNCONSTRAINED_NUMBER: MappedType = {
  delta: 'decimal(38,10)',
  duckdb: 'DECIMAL(38,10)',
  decode: 'cast',
};

function decimal(precision: number, scale: number): MappedType {
  if (precision > 38) return STRING;
  return {
    delta: `decimal(${precision},${scale})`,
    duckdb: `DECIMAL(${precision},${scale})`,
    decode: 'cast',
  };
}

function mapNumber(precision: number | null, scale: number | null): MappedType {
  if (precision === null) return scale === 0 ? decimal(38, 0) : UNCONSTRAINED_NUMBER;
  const s = scale ?? 0;
  if (s < 0) return decimal(precision - s, 0);
  if (s > 0) return decimal(Math.max(precision, s), s);
  if (precision <= 9) return { delta: 'integer', duckdb: 'INTEGER', decode: 'cast' };
  if (precision <= 18) return { delta: 'long', duckdb: 'BIGINT', decode: 'cast' };
  return decimal(precision, 0);
}

/** The Delta/DuckDB type of an Oracle column. */
export function mapOracleType(column: OracleColumnType): MappedType {
  const type = column.dataType.toUpperCase();
  if (type === 'NUMBER') return mapNumber(column.precision, column.scale);
  if (type === 'FLOAT' || type === 'BINARY_FLOAT' || type === 'BINARY_DOUBLE') return DOUBLE;
  if (type === 'DATE' || type.startsWith('TIMESTAMP')) return UTC_TIMESTAMP;
  if (/^(N?VARCHAR2|N?CHAR|N?CLOB|LONG|ROWID|UROWID)$/.test(type)) return STRING;
  if (type.startsWith('INTERVAL')) return STRING;
  if (type === 'RAW' || type === 'BLOB' || type === 'LONG RAW') return BINARY;
  throw new SourceError('UNSUPPORTED_TYPE', `Oracle type ${column.dataType} has no Delta mapping`);
}

/** The declared type as text, for manifests and messages: NUMBER(10,2), VARCHAR2, TIMESTAMP(6) WITH TIME ZONE. */
export function describeOracleType(column: OracleColumnType): string {
  if (column.dataType.toUpperCase() === 'NUMBER' && column.precision !== null) {
    return `NUMBER(${column.precision},${column.scale ?? 0})`;
  }
  return column.dataType;
}

/**
 * Unquoted Oracle names are stored upper-case; definitions and Delta use lower-case. Names are validated before
 * they get here and quoted upper-case, so `parcels` reads "PARCELS".
 */
export function quoteOracle(name: string): string {
  return `"${name.toUpperCase().replace(/"/g, '""')}"`;
}

const TIMESTAMP_TEXT = `'YYYY-MM-DD HH24:MI:SS.FF6'`;

/** SELECT expression rendering a column as text DuckDB decodes per its mapping. */
export function selectOracleColumn(name: string, dataType: string): string {
  const ref = quoteOracle(name);
  const type = dataType.toUpperCase();
  if (type === 'DATE') return `TO_CHAR(${ref}, 'YYYY-MM-DD HH24:MI:SS')`;
  if (/^TIMESTAMP(\(\d\))? WITH TIME ZONE$/.test(type))
    return `TO_CHAR(SYS_EXTRACT_UTC(${ref}), ${TIMESTAMP_TEXT})`;
  // LOCAL TIME ZONE values show in the session zone, which the source sets to UTC.
  if (type.startsWith('TIMESTAMP')) return `TO_CHAR(CAST(${ref} AS TIMESTAMP), ${TIMESTAMP_TEXT})`;
  if (type === 'RAW') return `RAWTOHEX(${ref})`;
  if (type === 'ROWID') return `ROWIDTOCHAR(${ref})`;
  if (type === 'UROWID') return `CAST(${ref} AS VARCHAR2(4000))`;
  if (type.startsWith('INTERVAL')) return `TO_CHAR(${ref})`;
  // NUMBER, FLOAT and BINARY_* are fetched as strings by the driver; CLOB as a string; BLOB as bytes → hex.
  return ref;
}
