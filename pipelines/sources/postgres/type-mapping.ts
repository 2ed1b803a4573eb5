// PostgreSQL column types → Delta/DuckDB types, and the SELECT expression that renders each column as text
// DuckDB can decode. Pure; input is format_type(atttypid, atttypmod) text, e.g. 'numeric(14,2)', 'integer[]'.

import { SourceError, type MappedType } from '../source';

/** Delta has no unbounded decimal: unconstrained numeric lands as decimal(38,18) (Spark's JDBC choice). */
export const UNCONSTRAINED_NUMERIC: MappedType = {
  delta: 'decimal(38,18)',
  duckdb: 'DECIMAL(38,18)',
  decode: 'cast',
};

const SCALARS: Record<string, MappedType> = {
  smallint: { delta: 'integer', duckdb: 'INTEGER', decode: 'cast' },
  integer: { delta: 'integer', duckdb: 'INTEGER', decode: 'cast' },
  bigint: { delta: 'long', duckdb: 'BIGINT', decode: 'cast' },
  real: { delta: 'double', duckdb: 'DOUBLE', decode: 'cast' },
  'double precision': { delta: 'double', duckdb: 'DOUBLE', decode: 'cast' },
  boolean: { delta: 'boolean', duckdb: 'BOOLEAN', decode: 'cast' },
  text: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  'character varying': { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  character: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  name: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  citext: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  date: { delta: 'date', duckdb: 'DATE', decode: 'cast' },
  'timestamp with time zone': { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'cast' },
  // A wall-clock timestamp has no zone; it is taken as UTC so it lands as a Delta timestamp (an instant).
  'timestamp without time zone': { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'utc_timestamp' },
  'time without time zone': { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  'time with time zone': { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  interval: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  json: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  jsonb: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  uuid: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  bytea: { delta: 'binary', duckdb: 'BLOB', decode: 'hex' },
  inet: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  xml: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
};

function stripModifier(type: string): string {
  return type.replace(/\(.*?\)/, '').trim();
}

/** Maps a scalar (non-array) type. */
function mapScalar(type: string): MappedType {
  const numeric = /^numeric(?:\((\d+)(?:,(-?\d+))?\))?$/.exec(type);
  if (numeric) {
    if (numeric[1] === undefined) return UNCONSTRAINED_NUMERIC;
    const precision = Number(numeric[1]);
    const scale = Number(numeric[2] ?? 0);
    if (precision > 38 || scale < 0 || scale > precision) {
      // Beyond Delta's decimal(38): keep the exact digits as text rather than lose any.
      return { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' };
    }
    return {
      delta: `decimal(${precision},${scale})`,
      duckdb: `DECIMAL(${precision},${scale})`,
      decode: 'cast',
    };
  }
  const mapped = SCALARS[stripModifier(type)];
  if (mapped) return mapped;
  if (/^(USER-DEFINED|enum)/.test(type)) return { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' };
  throw new SourceError('UNSUPPORTED_TYPE', `PostgreSQL type ${type} has no Delta mapping`);
}

/** The Delta/DuckDB type of a PostgreSQL column type (format_type text). */
export function mapPostgresType(type: string): MappedType {
  if (type.endsWith('[]')) {
    const element = mapScalar(type.slice(0, -2));
    // Binary and timestamp elements would need per-element decoding; such arrays land as their JSON text.
    if (element.decode !== 'cast') return { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' };
    return { delta: `array<${element.delta}>`, duckdb: `${element.duckdb}[]`, decode: 'json' };
  }
  return mapScalar(type);
}

/** Double-quoted identifier (the name is validated by the caller). */
export function quotePostgres(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SELECT expression rendering a column as text DuckDB decodes per its mapping. */
export function selectPostgresColumn(name: string, type: string): string {
  const ref = quotePostgres(name);
  const mapped = mapPostgresType(type);
  if (mapped.decode === 'hex') return `encode(${ref}, 'hex')`;
  if (type.endsWith('[]')) return `array_to_json(${ref})::text`;
  return `${ref}::text`;
}
