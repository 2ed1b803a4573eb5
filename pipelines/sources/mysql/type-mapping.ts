// MySQL / MariaDB column types → Delta/DuckDB types, and the SELECT expression rendering each column as text
// DuckDB decodes. Pure; input is information_schema.COLUMNS.COLUMN_TYPE, e.g. 'bigint(20) unsigned'.

import { SourceError, type MappedType } from '../source';

const STRING: MappedType = { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' };
const INTEGER: MappedType = { delta: 'integer', duckdb: 'INTEGER', decode: 'cast' };
const LONG: MappedType = { delta: 'long', duckdb: 'BIGINT', decode: 'cast' };

const BY_BASE: Record<string, MappedType> = {
  tinyint: INTEGER,
  smallint: INTEGER,
  mediumint: INTEGER,
  year: INTEGER,
  bigint: LONG,
  bit: LONG,
  float: { delta: 'double', duckdb: 'DOUBLE', decode: 'cast' },
  double: { delta: 'double', duckdb: 'DOUBLE', decode: 'cast' },
  real: { delta: 'double', duckdb: 'DOUBLE', decode: 'cast' },
  date: { delta: 'date', duckdb: 'DATE', decode: 'cast' },
  // DATETIME is wall-clock; TIMESTAMP is read with the session zone at UTC. Both land as UTC instants.
  datetime: { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'utc_timestamp' },
  timestamp: { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'utc_timestamp' },
  time: STRING,
  char: STRING,
  varchar: STRING,
  tinytext: STRING,
  text: STRING,
  mediumtext: STRING,
  longtext: STRING,
  enum: STRING,
  set: STRING,
  json: STRING,
  uuid: STRING,
  inet4: STRING,
  inet6: STRING,
  binary: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
  varbinary: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
  tinyblob: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
  blob: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
  mediumblob: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
  longblob: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
};

/** The Delta/DuckDB type of a MySQL COLUMN_TYPE. */
export function mapMysqlType(columnType: string): MappedType {
  const type = columnType.toLowerCase().trim();
  const base = /^[a-z0-9]+/.exec(type)?.[0] ?? '';
  const unsigned = /\bunsigned\b/.test(type);
  if (base === 'decimal' || base === 'numeric' || base === 'dec' || base === 'fixed') {
    const match = /\((\d+)(?:,\s*(\d+))?\)/.exec(type);
    const precision = Number(match?.[1] ?? 10);
    const scale = Number(match?.[2] ?? 0);
    if (precision > 38) return STRING;
    return {
      delta: `decimal(${precision},${scale})`,
      duckdb: `DECIMAL(${precision},${scale})`,
      decode: 'cast',
    };
  }
  if (base === 'int' || base === 'integer') return unsigned ? LONG : INTEGER;
  // bigint unsigned goes up to 2^64-1, past a Spark long.
  if (base === 'bigint' && unsigned)
    return { delta: 'decimal(20,0)', duckdb: 'DECIMAL(20,0)', decode: 'cast' };
  const mapped = BY_BASE[base];
  if (!mapped) throw new SourceError('UNSUPPORTED_TYPE', `MySQL type ${columnType} has no Delta mapping`);
  return mapped;
}

export function quoteMysql(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** SELECT expression rendering a column as text DuckDB decodes per its mapping. */
export function selectMysqlColumn(name: string, columnType: string): string {
  const ref = quoteMysql(name);
  const mapped = mapMysqlType(columnType);
  if (mapped.decode === 'hex') return `HEX(${ref})`;
  if (/^bit\b/i.test(columnType)) return `CAST(${ref} AS UNSIGNED)`;
  return ref;
}
