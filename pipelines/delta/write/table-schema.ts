// Delta schemas for data the writer receives as DuckDB queries: DuckDB column types → Spark JSON schema types,
// schema evolution (mergeSchema adds nullable columns) and the compatibility rule for writing a query into an
// existing table. Pure, apart from describeQuery which asks DuckDB for a query's column types.

import {
  DuckDBDecimalType,
  DuckDBListType,
  DuckDBMapType,
  DuckDBStructType,
  DuckDBTypeId,
  type DuckDBType,
} from '@duckdb/node-api';
import type { DuckDbSession } from '../../engine/duckdb-session';
import { DeltaError } from '../errors';
import {
  isArrayType,
  isMapType,
  isStructType,
  type DeltaType,
  type StructField,
  type StructType,
} from '../schema';

const PRIMITIVES: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'byte',
  [DuckDBTypeId.SMALLINT]: 'short',
  [DuckDBTypeId.INTEGER]: 'integer',
  [DuckDBTypeId.BIGINT]: 'long',
  [DuckDBTypeId.UTINYINT]: 'short',
  [DuckDBTypeId.USMALLINT]: 'integer',
  [DuckDBTypeId.UINTEGER]: 'long',
  [DuckDBTypeId.FLOAT]: 'float',
  [DuckDBTypeId.DOUBLE]: 'double',
  [DuckDBTypeId.VARCHAR]: 'string',
  [DuckDBTypeId.BLOB]: 'binary',
  [DuckDBTypeId.DATE]: 'date',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp_ntz',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp_ntz',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp_ntz',
  [DuckDBTypeId.UUID]: 'string',
  [DuckDBTypeId.ENUM]: 'string',
};

/** The Delta type of a DuckDB column type; types Delta cannot hold (HUGEINT, INTERVAL, UNION…) are refused. */
export function toDeltaType(type: DuckDBType, column: string): DeltaType {
  const primitive = PRIMITIVES[type.typeId];
  if (primitive) return primitive;
  if (type instanceof DuckDBDecimalType) {
    if (type.width > 38) throw new DeltaError('SCHEMA_MISMATCH', `Column '${column}': decimal wider than 38`);
    return `decimal(${type.width},${type.scale})`;
  }
  if (type instanceof DuckDBStructType) {
    return {
      type: 'struct',
      fields: type.entryNames.map((name, index) => ({
        name,
        type: toDeltaType(type.entryTypes[index] as DuckDBType, `${column}.${name}`),
        nullable: true,
        metadata: {},
      })),
    };
  }
  if (type instanceof DuckDBListType) {
    return { type: 'array', elementType: toDeltaType(type.valueType, `${column}[]`), containsNull: true };
  }
  if (type instanceof DuckDBMapType) {
    return {
      type: 'map',
      keyType: toDeltaType(type.keyType, `${column}.key`),
      valueType: toDeltaType(type.valueType, `${column}.value`),
      valueContainsNull: true,
    };
  }
  throw new DeltaError(
    'SCHEMA_MISMATCH',
    `Column '${column}' has DuckDB type ${type.toString()}, which a Delta table cannot hold; cast it in the query`,
  );
}

/** Column names and Delta types of a DuckDB query (no rows are read). */
export async function describeQuery(duckdb: DuckDbSession, sql: string): Promise<StructType> {
  const reader = await duckdb.connection.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const seen = new Set<string>();
  const fields: StructField[] = names.map((name, index) => {
    if (seen.has(name.toLowerCase())) {
      throw new DeltaError('SCHEMA_MISMATCH', `Column '${name}' appears twice (names are case-insensitive)`);
    }
    seen.add(name.toLowerCase());
    return { name, type: toDeltaType(types[index] as DuckDBType, name), nullable: true, metadata: {} };
  });
  return { type: 'struct', fields };
}

/** True when the schema uses timestamp_ntz anywhere (needs the timestampNtz table feature). */
export function usesTimestampNtz(type: DeltaType): boolean {
  if (typeof type === 'string') return type === 'timestamp_ntz';
  if (isStructType(type)) return type.fields.some((field) => usesTimestampNtz(field.type));
  if (isArrayType(type)) return usesTimestampNtz(type.elementType);
  if (isMapType(type)) return usesTimestampNtz(type.keyType) || usesTimestampNtz(type.valueType);
  return false;
}

const WIDENING: Record<string, string[]> = {
  byte: ['short', 'integer', 'long', 'float', 'double'],
  short: ['integer', 'long', 'float', 'double'],
  integer: ['long', 'double'],
  long: [],
  float: ['double'],
};

/** True when values of `from` can be written into a column of type `to` without loss. */
export function canWriteInto(from: DeltaType, to: DeltaType): boolean {
  if (typeof from === 'string' && typeof to === 'string') {
    if (from === to) return true;
    if (WIDENING[from]?.includes(to)) return true;
    const a = /^decimal\((\d+),(\d+)\)$/.exec(from);
    const b = /^decimal\((\d+),(\d+)\)$/.exec(to);
    if (a && b) {
      const [pa, sa, pb, sb] = [a[1], a[2], b[1], b[2]].map(Number) as [number, number, number, number];
      return sb >= sa && pb - sb >= pa - sa;
    }
    return false;
  }
  if (isStructType(from) && isStructType(to)) {
    return from.fields.every((field) => {
      const target = to.fields.find((candidate) => candidate.name.toLowerCase() === field.name.toLowerCase());
      return target !== undefined && canWriteInto(field.type, target.type);
    });
  }
  if (isArrayType(from) && isArrayType(to)) return canWriteInto(from.elementType, to.elementType);
  if (isMapType(from) && isMapType(to)) {
    return canWriteInto(from.keyType, to.keyType) && canWriteInto(from.valueType, to.valueType);
  }
  return false;
}

function describeType(type: DeltaType): string {
  return typeof type === 'string' ? type : type.type;
}

/**
 * The table schema after writing data of `incoming` schema: unchanged when compatible, with new nullable top-level
 * columns appended when `mergeSchema` is set. Throws SCHEMA_MISMATCH for a type change that would lose data, for
 * new columns without mergeSchema, and for a missing non-nullable column.
 */
export function reconcileSchema(table: StructType, incoming: StructType, mergeSchema: boolean): StructType {
  const added: StructField[] = [];
  for (const field of incoming.fields) {
    const target = table.fields.find(
      (candidate) => candidate.name.toLowerCase() === field.name.toLowerCase(),
    );
    if (!target) {
      if (!mergeSchema) {
        throw new DeltaError(
          'SCHEMA_MISMATCH',
          `Column '${field.name}' is not in the table; pass mergeSchema: true to add it`,
        );
      }
      added.push({ ...field, nullable: true });
      continue;
    }
    if (!canWriteInto(field.type, target.type)) {
      throw new DeltaError(
        'SCHEMA_MISMATCH',
        `Column '${field.name}' is ${describeType(target.type)} in the table; data of type ${describeType(field.type)} cannot be written into it`,
      );
    }
  }
  for (const field of table.fields) {
    const present = incoming.fields.some(
      (candidate) => candidate.name.toLowerCase() === field.name.toLowerCase(),
    );
    if (!present && !field.nullable) {
      throw new DeltaError('SCHEMA_MISMATCH', `Column '${field.name}' is not nullable and the data lacks it`);
    }
  }
  return added.length === 0 ? table : { type: 'struct', fields: [...table.fields, ...added] };
}

/** Spark's JSON schema string (field order kept: type, fields / name, type, nullable, metadata). */
export function toSchemaString(schema: StructType): string {
  return JSON.stringify(schema);
}
