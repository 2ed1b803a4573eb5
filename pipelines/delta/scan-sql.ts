// Pure SQL generation for reading one data file as logical rows: physical → logical names (column mapping),
// casts to the table's current types (type widening: older files hold narrower types), absent columns as NULL,
// partition values as literals, deleted rows (deletion vectors) filtered out by file_row_number.

import { VARIANT_JSON_FUNCTION } from '../engine/variant-udf';
import { DeltaError } from './errors';
import type { PhysicalNode } from './physical-schema';
import { toPartitionSqlLiteral } from './partition-values';
import {
  getFieldId,
  getPhysicalName,
  isArrayType,
  isMapType,
  isStructType,
  isVariantType,
  isVoidType,
  quoteIdentifier,
  quoteLiteral,
  toDuckDbType,
  type ColumnMappingMode,
  type DeltaType,
  type StructField,
  type StructType,
} from './schema';
import { hasTypeChanges } from './type-widening';

export interface FileScanInput {
  /** Local path DuckDB reads. */
  localPath: string;
  partitionValues: Record<string, string | null>;
  /** Physical column tree of the file; when absent every column is assumed present by its physical name. */
  physical?: PhysicalNode;
  /** Row indexes to drop (deletion vector). */
  deletedRows?: number[];
  /** Only these row indexes are read (the change feed's rows newly marked deleted); buildFileSelect only. */
  keptRows?: number[];
  /** Physical columns read as they are after the logical ones (a change data file's `_change_type`). */
  extraColumns?: string[];
}

export interface ScanSchema {
  schema: StructType;
  partitionColumns: string[];
  mode: ColumnMappingMode;
  /** Writer's zone for zone-less timestamp partition values (default UTC). */
  partitionTimeZone?: string;
}

/** Types read member by member (structs, and variants, which are structs in the file but JSON in the result). */
function containsStruct(type: DeltaType): boolean {
  if (isStructType(type) || isVariantType(type)) return true;
  if (isArrayType(type)) return containsStruct(type.elementType);
  if (isMapType(type)) return containsStruct(type.keyType) || containsStruct(type.valueType);
  return false;
}

/** Finds the physical child for a field: by field id in id mode, else by physical name. */
export function findPhysicalChild(
  parent: PhysicalNode,
  field: StructField,
  mode: ColumnMappingMode,
): PhysicalNode | undefined {
  if (mode === 'id') {
    const id = getFieldId(field);
    const byId = id === undefined ? undefined : parent.children.find((child) => child.fieldId === id);
    if (byId) return byId;
  }
  const name = getPhysicalName(field, mode);
  return parent.children.find((child) => child.name === name);
}

/** Expression reading `source` (a physical value) as the logical `type`. */
export function buildValueExpression(
  source: string,
  type: DeltaType,
  mode: ColumnMappingMode,
  node: PhysicalNode | undefined,
  depth = 0,
): string {
  const duckType = toDuckDbType(type);
  // Void fields are in no data file (Spark drops them on write): all NULL, and never looked up.
  if (isVoidType(type)) return `CAST(NULL AS ${duckType})`;
  if (!containsStruct(type)) return `CAST(${source} AS ${duckType})`;
  if (isVariantType(type)) return buildVariantExpression(source, node);
  if (isStructType(type)) {
    const members = type.fields.map((field) => {
      const child = node ? findPhysicalChild(node, field, mode) : undefined;
      const value =
        node && !child
          ? `CAST(NULL AS ${toDuckDbType(field.type)})`
          : buildValueExpression(
              `struct_extract(${source}, ${quoteLiteral(child?.name ?? getPhysicalName(field, mode))})`,
              field.type,
              mode,
              child,
              depth + 1,
            );
      return `${quoteIdentifier(field.name)} := ${value}`;
    });
    return `CASE WHEN ${source} IS NULL THEN NULL ELSE struct_pack(${members.join(', ')}) END`;
  }
  const variable = `v${depth}`;
  // Arrow lambdas (`v -> …`), not `lambda v: …`: DuckDB-WASM's engine predates the newer syntax and the browser
  // path reads the same SQL; native DuckDB accepts both.
  if (isArrayType(type)) {
    const element = buildValueExpression(variable, type.elementType, mode, undefined, depth + 1);
    return `CAST(list_transform(${source}, ${variable} -> ${element}) AS ${duckType})`;
  }
  if (isMapType(type)) {
    const key = buildValueExpression(`${variable}.key`, type.keyType, mode, undefined, depth + 1);
    const value = buildValueExpression(`${variable}.value`, type.valueType, mode, undefined, depth + 1);
    return `CAST(map_from_entries(list_transform(map_entries(${source}), ${variable} -> struct_pack(key := ${key}, value := ${value}))) AS ${duckType})`;
  }
  return `CAST(${source} AS ${duckType})`;
}

/**
 * JSON text of a variant stored as Delta writes it (PROTOCOL.md "Variant Data Type": a struct of `value` and
 * `metadata` binaries, named so whatever the column mapping). In a plain struct, a `typed_value` member is a
 * shredded variant (`variantShredding`), which this reader does not reassemble: refused rather than read without its
 * typed parts. A column the file annotates as Parquet VARIANT DuckDB reads itself, shredded or not.
 */
function buildVariantExpression(source: string, node: PhysicalNode | undefined): string {
  if (node?.engineVariant) {
    // DuckDB read the column as its own VARIANT (shredded parts reassembled): back to the binaries, so the text is
    // the same as for every other file.
    // DuckDB 1.5 reads both a missing value and a variant null there as NULL (IS NULL), yet converts it to a variant
    // null: kept NULL, the one reading DuckDB allows.
    const binaries = `CAST(variant_to_parquet_variant(${source}) AS STRUCT(metadata BLOB, value BLOB))`;
    return `CASE WHEN ${source} IS NULL THEN NULL ELSE CAST(${VARIANT_JSON_FUNCTION}(struct_extract(${binaries}, 'value'), struct_extract(${binaries}, 'metadata')) AS JSON) END`;
  }
  if (node?.children.some((child) => child.name === 'typed_value')) {
    throw new DeltaError(
      'UNSUPPORTED_FEATURE',
      `Variant column '${node.name}' is shredded (reader feature variantShredding), which this reader does not support`,
    );
  }
  const member = (name: string) => `struct_extract(${source}, ${quoteLiteral(name)})`;
  return `CAST(${VARIANT_JSON_FUNCTION}(${member('value')}, ${member('metadata')}) AS JSON)`;
}

interface ProjectionSource {
  physical?: PhysicalNode;
  /** Prefix of data column references, e.g. 'd.'. */
  qualifier: string;
  /** Expression of a partition column's value. */
  partition(field: StructField, physicalName: string): string;
}

/** Projection list (logical columns in schema order); null source = an empty typed row. */
function buildProjection(source: ProjectionSource | null, scan: ScanSchema): string[] {
  return scan.schema.fields.map((field) => {
    const alias = quoteIdentifier(field.name);
    const physicalName = getPhysicalName(field, scan.mode);
    const nullValue = `CAST(NULL AS ${toDuckDbType(field.type)}) AS ${alias}`;
    if (!source || isVoidType(field.type)) return nullValue;
    if (scan.partitionColumns.includes(field.name))
      return `${source.partition(field, physicalName)} AS ${alias}`;
    const child = source.physical ? findPhysicalChild(source.physical, field, scan.mode) : undefined;
    if (source.physical && !child) return nullValue;
    const reference = `${source.qualifier}${quoteIdentifier(child?.name ?? physicalName)}`;
    return `${buildValueExpression(reference, field.type, scan.mode, child)} AS ${alias}`;
  });
}

function getPartitionLiteral(
  input: FileScanInput,
  field: StructField,
  physicalName: string,
  scan: ScanSchema,
) {
  const raw = input.partitionValues[physicalName] ?? input.partitionValues[field.name] ?? null;
  return toPartitionSqlLiteral(raw, field.type, scan.partitionTimeZone);
}

/** SELECT of one data file's logical rows, dropping the rows of its deletion vector. */
export function buildFileSelect(input: FileScanInput, scan: ScanSchema): string {
  const projection = buildProjection(
    {
      ...(input.physical ? { physical: input.physical } : {}),
      qualifier: '',
      partition: (field, physicalName) => getPartitionLiteral(input, field, physicalName, scan),
    },
    scan,
  ).join(', ');
  const extra = (input.extraColumns ?? []).map((name) => `, ${quoteIdentifier(name)}`).join('');
  const deleted = input.deletedRows ?? [];
  const kept = input.keptRows;
  const options = deleted.length > 0 || kept ? ', file_row_number = true' : '';
  // NOT IN over a subquery plans as a hash anti-join, so large deletion vectors stay cheap.
  const conditions = [
    ...(deleted.length > 0
      ? [`file_row_number NOT IN (SELECT unnest([${deleted.join(', ')}]::BIGINT[]))`]
      : []),
    ...(kept ? [`file_row_number IN (SELECT unnest([${kept.join(', ')}]::BIGINT[]))`] : []),
  ];
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${projection}${extra} FROM read_parquet(${quoteLiteral(input.localPath)}, hive_partitioning = false${options})${where}`;
}

/**
 * SELECT of several files with the same physical schema and no deletion vectors in one read_parquet call; each
 * row's partition values come from a VALUES table joined on the file name.
 */
export function buildGroupSelect(inputs: FileScanInput[], scan: ScanSchema): string {
  const first = inputs[0];
  if (!first) throw new Error('buildGroupSelect needs at least one file');
  const partitionFields = scan.schema.fields.filter((field) => scan.partitionColumns.includes(field.name));
  const files = `[${inputs.map((input) => quoteLiteral(input.localPath)).join(', ')}]`;
  const projection = buildProjection(
    {
      ...(first.physical ? { physical: first.physical } : {}),
      qualifier: 'd.',
      partition: (field) => `p.${quoteIdentifier(`p${partitionFields.indexOf(field)}`)}`,
    },
    scan,
  ).join(', ');
  if (partitionFields.length === 0) {
    return `SELECT ${projection} FROM read_parquet(${files}, hive_partitioning = false) AS d`;
  }
  const rows = inputs.map((input) => {
    const literals = partitionFields.map((field) =>
      getPartitionLiteral(input, field, getPhysicalName(field, scan.mode), scan),
    );
    return `(${[quoteLiteral(input.localPath), ...literals].join(', ')})`;
  });
  const columns = ['__file', ...partitionFields.map((_, index) => `p${index}`)]
    .map(quoteIdentifier)
    .join(', ');
  // DuckDB adds the file name as a column called `filename`, which a table may well have too: then it gets a
  // private name. Only then, because DuckDB-WASM 1.28 (DuckDB 0.9, the browser engine) knows no named form.
  const clash = scan.schema.fields.some(
    (field) => getPhysicalName(field, scan.mode).toLowerCase() === 'filename',
  );
  const fileOption = clash ? `filename = '__delta_file'` : 'filename = true';
  const fileColumn = clash ? 'd."__delta_file"' : 'd.filename';
  return (
    `SELECT ${projection} FROM read_parquet(${files}, hive_partitioning = false, ${fileOption}) AS d ` +
    `JOIN (VALUES ${rows.join(', ')}) AS p(${columns}) ON ${fileColumn} = p."__file"`
  );
}

/**
 * SELECT of the whole table: files with deletion vectors one by one, the others grouped by physical schema (names,
 * field ids and Parquet types: see PhysicalNode.type); an empty typed result for a table without files.
 */
export function buildScanSql(inputs: FileScanInput[], scan: ScanSchema): string {
  if (inputs.length === 0) return `SELECT ${buildProjection(null, scan).join(', ')} WHERE false`;
  const branches: string[] = [];
  const groups = new Map<string, FileScanInput[]>();
  // Without a file's column tree its types are unknown; after a type widening two such files may differ.
  const widened = hasTypeChanges(scan.schema);
  for (const [index, input] of inputs.entries()) {
    if (input.deletedRows && input.deletedRows.length > 0) {
      branches.push(buildFileSelect(input, scan));
      continue;
    }
    const key = input.physical || !widened ? JSON.stringify(input.physical ?? null) : `file ${index}`;
    groups.set(key, [...(groups.get(key) ?? []), input]);
  }
  for (const group of groups.values()) branches.push(buildGroupSelect(group, scan));
  return branches.join('\nUNION ALL\n');
}
