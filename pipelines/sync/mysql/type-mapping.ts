// Delta schema → MySQL columns (pure). Each column also gets a `kind`, which decides how its values are written
// as text for MySQL (export-sql.ts) and how they are read back for checksums (verify-sql.ts).

import type { DeltaType, StructType } from '../../delta/schema';
import { SyncError } from '../errors';
import { assertColumnName } from './identifiers';

export type ColumnKind =
  'integer' | 'decimal' | 'float' | 'string' | 'datetime' | 'date' | 'boolean' | 'binary' | 'json';

export interface MySqlColumn {
  name: string;
  /** Column type as written in DDL, e.g. `VARCHAR(64)`, `DECIMAL(10,2)`. */
  sqlType: string;
  kind: ColumnKind;
  nullable: boolean;
  /** Why the mapping is not the obvious one (e.g. a decimal too wide for MySQL stored as text). */
  note?: string;
}

export interface TypeMappingOptions {
  /** Primary key columns, in order; they must map to indexable types. */
  keyColumns: string[];
  /** Columns of extra indexes; mapped as indexable like keys. */
  indexColumns?: string[];
  /** Longest value per string column (characters) or binary column (bytes), measured or from stats. */
  valueLengths?: Record<string, number>;
  /** Largest VARCHAR/VARBINARY for a non-indexed column; longer values go to TEXT/BLOB types. Default 1024. */
  maxVarcharLength?: number;
  /** What to do with decimals MySQL cannot hold (precision > 65 or scale > 30). Default 'varchar'. */
  decimalOverflow?: 'error' | 'varchar';
}

/** utf8mb4 index keys are limited to 3072 bytes on InnoDB with DYNAMIC rows: 768 characters. */
export const MAX_INDEXED_CHARS = 768;
/** Rows are limited to 65,535 bytes of in-row columns; TEXT/BLOB columns count only a pointer. */
const ROW_BYTE_BUDGET = 60000;
const TEXT_LIMITS: [number, string][] = [
  [16383, 'TEXT'],
  [4194303, 'MEDIUMTEXT'],
];

const INTEGERS: Record<string, string> = {
  byte: 'TINYINT',
  short: 'SMALLINT',
  integer: 'INT',
  long: 'BIGINT',
};

/** Rounds a measured length up so later, slightly longer values still fit (at least 32, then powers of two). */
export function roundVarcharLength(length: number): number {
  let size = 32;
  while (size < length) size *= 2;
  return size;
}

function mapDecimal(name: string, type: string, options: TypeMappingOptions): Omit<MySqlColumn, 'nullable'> {
  const match = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  const precision = match ? Number(match[1]) : 10;
  const scale = match ? Number(match[2]) : 0;
  if (precision <= 65 && scale <= 30)
    return { name, sqlType: `DECIMAL(${precision},${scale})`, kind: 'decimal' };
  if (options.decimalOverflow === 'error') {
    throw new SyncError(
      'UNSUPPORTED_TYPE',
      `Column '${name}' is ${type}; MySQL DECIMAL allows precision ≤ 65 and scale ≤ 30`,
    );
  }
  return {
    name,
    sqlType: `VARCHAR(${precision + 2})`,
    kind: 'string',
    note: `${type} exceeds MySQL DECIMAL (precision ≤ 65, scale ≤ 30): stored as exact decimal text`,
  };
}

function mapString(
  name: string,
  indexed: boolean,
  options: TypeMappingOptions,
): Omit<MySqlColumn, 'nullable'> {
  const length = options.valueLengths?.[name];
  if (indexed) {
    if (length !== undefined && length > MAX_INDEXED_CHARS) {
      throw new SyncError(
        'KEY_NOT_INDEXABLE',
        `Key or index column '${name}' holds values of ${length} characters; MySQL indexes at most ${MAX_INDEXED_CHARS}`,
      );
    }
    const size = length === undefined ? 255 : Math.min(roundVarcharLength(length) * 2, MAX_INDEXED_CHARS);
    return { name, sqlType: `VARCHAR(${Math.max(size, length ?? 0)})`, kind: 'string' };
  }
  const max = options.maxVarcharLength ?? 1024;
  if (length === undefined) return { name, sqlType: 'TEXT', kind: 'string' };
  if (length <= max)
    return { name, sqlType: `VARCHAR(${Math.min(roundVarcharLength(length) * 2, max)})`, kind: 'string' };
  const text = TEXT_LIMITS.find(([limit]) => length <= limit);
  return { name, sqlType: text ? text[1] : 'LONGTEXT', kind: 'string' };
}

function mapBinary(
  name: string,
  indexed: boolean,
  options: TypeMappingOptions,
): Omit<MySqlColumn, 'nullable'> {
  const length = options.valueLengths?.[name];
  if (indexed) {
    if (length !== undefined && length > 3072) {
      throw new SyncError(
        'KEY_NOT_INDEXABLE',
        `Key or index column '${name}' holds values of ${length} bytes`,
      );
    }
    const size = length === undefined ? 255 : Math.min(roundVarcharLength(length) * 2, 3072);
    return { name, sqlType: `VARBINARY(${Math.max(size, length ?? 0)})`, kind: 'binary' };
  }
  const max = options.maxVarcharLength ?? 1024;
  if (length !== undefined && length <= max) {
    return { name, sqlType: `VARBINARY(${Math.min(roundVarcharLength(length) * 2, max)})`, kind: 'binary' };
  }
  return { name, sqlType: 'LONGBLOB', kind: 'binary' };
}

/** MySQL column for one Delta field (nullable is decided by the caller). */
export function mapDeltaType(
  name: string,
  type: DeltaType,
  options: TypeMappingOptions,
): Omit<MySqlColumn, 'nullable'> {
  const indexed = options.keyColumns.includes(name) || (options.indexColumns ?? []).includes(name);
  if (typeof type !== 'string') {
    if (indexed) throw new SyncError('KEY_NOT_INDEXABLE', `Key or index column '${name}' is a nested type`);
    return { name, sqlType: 'JSON', kind: 'json' };
  }
  const integer = INTEGERS[type];
  if (integer) return { name, sqlType: integer, kind: 'integer' };
  if (type === 'decimal' || type.startsWith('decimal(')) return mapDecimal(name, type, options);
  switch (type) {
    case 'float':
      return { name, sqlType: 'FLOAT', kind: 'float' };
    case 'double':
      return { name, sqlType: 'DOUBLE', kind: 'float' };
    case 'string':
      return mapString(name, indexed, options);
    case 'timestamp':
      return { name, sqlType: 'DATETIME(6)', kind: 'datetime', note: 'UTC' };
    case 'timestamp_ntz':
      return { name, sqlType: 'DATETIME(6)', kind: 'datetime' };
    case 'date':
      return { name, sqlType: 'DATE', kind: 'date' };
    case 'boolean':
      return { name, sqlType: 'BOOLEAN', kind: 'boolean' };
    case 'binary':
      return mapBinary(name, indexed, options);
    case 'variant':
      // Read as JSON text (pipelines/engine/variant-json.ts): stored as MySQL JSON, exactly as nested types are.
      if (indexed) throw new SyncError('KEY_NOT_INDEXABLE', `Key or index column '${name}' is a variant`);
      return { name, sqlType: 'JSON', kind: 'json', note: 'variant as JSON text' };
    case 'void':
      // Spark's NullType holds only NULL: kept as a nullable column so MySQL has the table's shape. VARCHAR, so a
      // later void → string widening stays the same kind (the length check then decides on a resync).
      if (indexed)
        throw new SyncError('KEY_NOT_INDEXABLE', `Key or index column '${name}' is void (always NULL)`);
      return { name, sqlType: 'VARCHAR(1)', kind: 'string', note: 'void (NullType): always NULL' };
    default:
      throw new SyncError(
        'UNSUPPORTED_TYPE',
        `Column '${name}' has Delta type '${type}', which has no MySQL mapping`,
      );
  }
}

/** Bytes a column takes in the row (utf8mb4: 4 per character); TEXT, BLOB and JSON count as a pointer. */
function getInRowBytes(column: Omit<MySqlColumn, 'nullable'>): number {
  const varchar = /^VARCHAR\((\d+)\)$/.exec(column.sqlType);
  if (varchar) return Number(varchar[1]) * 4 + 2;
  const varbinary = /^VARBINARY\((\d+)\)$/.exec(column.sqlType);
  if (varbinary) return Number(varbinary[1]) + 2;
  return 16;
}

/** Maps a Delta schema to MySQL columns; keys first must exist and be indexable. */
export function mapDeltaSchema(schema: StructType, options: TypeMappingOptions): MySqlColumn[] {
  if (options.keyColumns.length === 0)
    throw new SyncError('KEY_REQUIRED', 'A sync needs at least one key column');
  const names = new Set<string>();
  for (const field of schema.fields) {
    assertColumnName(field.name);
    const folded = field.name.toLowerCase();
    if (names.has(folded)) {
      throw new SyncError(
        'INVALID_IDENTIFIER',
        `Columns differ only by case ('${field.name}'); MySQL column names are case-insensitive`,
      );
    }
    names.add(folded);
  }
  for (const name of [...options.keyColumns, ...(options.indexColumns ?? [])]) {
    if (!schema.fields.some((field) => field.name === name)) {
      throw new SyncError('INVALID_ARGUMENT', `Key or index column '${name}' is not in the Delta schema`);
    }
  }
  const columns = schema.fields.map((field) => ({
    ...mapDeltaType(field.name, field.type, options),
    nullable: (field.nullable || field.type === 'void') && !options.keyColumns.includes(field.name),
  }));
  // Stay inside MySQL's row size limit: demote the widest non-indexed VARCHARs to TEXT until the row fits.
  const indexed = new Set([...options.keyColumns, ...(options.indexColumns ?? [])]);
  let total = columns.reduce((sum, column) => sum + getInRowBytes(column), 0);
  const demotable = columns
    .filter(
      (column) => !indexed.has(column.name) && /^VARCHAR\(/.test(column.sqlType) && column.kind === 'string',
    )
    .sort((a, b) => getInRowBytes(b) - getInRowBytes(a));
  for (const column of demotable) {
    if (total <= ROW_BYTE_BUDGET) break;
    total -= getInRowBytes(column) - 16;
    column.sqlType = 'TEXT';
    column.note = 'VARCHAR demoted to TEXT to fit MySQL row size limit';
  }
  return columns;
}

/** Most characters (strings) or bytes (binary) a column type holds; Infinity for LONGTEXT/LONGBLOB. */
export function getColumnCapacity(sqlType: string): number {
  const sized = /^VAR(?:CHAR|BINARY)\((\d+)\)$/.exec(sqlType);
  if (sized) return Number(sized[1]);
  if (sqlType === 'TEXT') return 16383;
  if (sqlType === 'MEDIUMTEXT') return 4194303;
  return Infinity;
}
