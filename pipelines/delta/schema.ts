// The table schema (metaData.schemaString, Spark's JSON schema) and column mapping (PROTOCOL.md "Column Mapping").

import { DeltaError } from './errors';

export type DeltaType = string | StructType | ArrayType | MapType;

export interface StructField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export interface ArrayType {
  type: 'array';
  elementType: DeltaType;
  containsNull: boolean;
}

export interface MapType {
  type: 'map';
  keyType: DeltaType;
  valueType: DeltaType;
  valueContainsNull: boolean;
}

export type ColumnMappingMode = 'none' | 'name' | 'id';

export function parseSchemaString(schemaString: string): StructType {
  let parsed: unknown;
  try {
    parsed = JSON.parse(schemaString);
  } catch (cause) {
    throw new DeltaError('CORRUPT_LOG', 'metaData.schemaString is not valid JSON', { cause });
  }
  if (!isStructType(parsed))
    throw new DeltaError('CORRUPT_LOG', 'metaData.schemaString is not a struct type');
  return parsed;
}

export function isStructType(type: unknown): type is StructType {
  return typeof type === 'object' && type !== null && (type as StructType).type === 'struct';
}

export function isArrayType(type: unknown): type is ArrayType {
  return typeof type === 'object' && type !== null && (type as ArrayType).type === 'array';
}

export function isMapType(type: unknown): type is MapType {
  return typeof type === 'object' && type !== null && (type as MapType).type === 'map';
}

export function getColumnMappingMode(configuration: Record<string, string>): ColumnMappingMode {
  const mode = configuration['delta.columnMapping.mode'] ?? 'none';
  if (mode === 'none' || mode === 'name' || mode === 'id') return mode;
  throw new DeltaError('UNSUPPORTED_FEATURE', `Unknown column mapping mode '${mode}'`);
}

/** Name of the field in data files and in partitionValues/stats keys. */
export function getPhysicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const physical = field.metadata['delta.columnMapping.physicalName'];
  return typeof physical === 'string' && physical !== '' ? physical : field.name;
}

/** Parquet field id of the field under column mapping, when present. */
export function getFieldId(field: StructField): number | undefined {
  const id = field.metadata['delta.columnMapping.id'];
  return typeof id === 'number' ? id : undefined;
}

const PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
  // Spark's NullType: a column that only ever held NULL. DuckDB's own type of a bare NULL (it prints as "NULL").
  void: '"NULL"',
  // Delta's variant (PROTOCOL.md "Variant Data Type"), read as JSON text by scan-sql.ts.
  variant: 'JSON',
};

/** DuckDB SQL type of a Delta type; logical (not physical) names for struct fields. */
export function toDuckDbType(type: DeltaType): string {
  if (typeof type === 'string') {
    const primitive = PRIMITIVES[type];
    if (primitive) return primitive;
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
    if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
    if (type === 'decimal') return 'DECIMAL(10,0)';
    throw new DeltaError('UNSUPPORTED_FEATURE', `Unsupported Delta type '${type}'`);
  }
  if (isStructType(type)) {
    return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${toDuckDbType(f.type)}`).join(', ')})`;
  }
  if (isArrayType(type)) return `${toDuckDbType(type.elementType)}[]`;
  if (isMapType(type)) return `MAP(${toDuckDbType(type.keyType)}, ${toDuckDbType(type.valueType)})`;
  throw new DeltaError('UNSUPPORTED_FEATURE', `Unsupported Delta type ${JSON.stringify(type)}`);
}

/** True for Spark's NullType: Spark writes no Parquet column for it, so a reader must never look one up. */
export function isVoidType(type: DeltaType): boolean {
  return type === 'void';
}

/** True for Delta's variant type: a Parquet struct of `value` and `metadata` binaries in the data files. */
export function isVariantType(type: DeltaType): boolean {
  return type === 'variant';
}

/** True when a type is or holds a variant, at any depth. */
export function containsVariant(type: DeltaType): boolean {
  if (isVariantType(type)) return true;
  if (isStructType(type)) return type.fields.some((field) => containsVariant(field.type));
  if (isArrayType(type)) return containsVariant(type.elementType);
  if (isMapType(type)) return containsVariant(type.keyType) || containsVariant(type.valueType);
  return false;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
