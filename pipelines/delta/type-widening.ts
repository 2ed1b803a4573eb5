// Type widening (PROTOCOL.md "Type Widening"): a column's type may have been widened after some files were written,
// so files hold the older, narrower type. Scans cast every file to the current type (scan-sql.ts; files of different
// physical types are never read in one read_parquet call). The `delta.typeChanges` field metadata only records the
// history, but the protocol asks readers to refuse a table whose history holds a change they cannot convert.

import { DeltaError } from './errors';
import { isArrayType, isMapType, isStructType, type DeltaType, type StructType } from './schema';

export interface TypeChange {
  fromType: string;
  toType: string;
  /** 'element', 'key', 'value' or a dotted path of those, when the change is inside an array or map. */
  fieldPath?: string;
}

const INTEGER_RANK: Record<string, number> = { byte: 0, short: 1, integer: 2, long: 3 };

function parseDecimal(type: string): { precision: number; scale: number } | null {
  if (type === 'decimal') return { precision: 10, scale: 0 };
  const match = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : null;
}

/**
 * True when the protocol allows widening `from` to `to`: byte→short→int→long, float→double, byte/short/int→double,
 * date→timestamp_ntz, decimal(p,s)→decimal(p+k1,s+k2) and byte/short/int→decimal(10+k1,k2), long→decimal(20+k1,k2)
 * with k1 ≥ k2 ≥ 0. Also void→anything: a void column has no values in any file (Databricks allows it).
 */
export function isSupportedTypeChange(from: string, to: string): boolean {
  if (from === to || from === 'void') return true;
  const fromRank = INTEGER_RANK[from];
  const toRank = INTEGER_RANK[to];
  if (fromRank !== undefined && toRank !== undefined) return fromRank < toRank;
  if (to === 'double') return from === 'float' || (fromRank !== undefined && from !== 'long');
  if (from === 'date') return to === 'timestamp_ntz';
  const target = parseDecimal(to);
  if (!target) return false;
  // An integer type behaves as the smallest decimal that holds all its values.
  const source =
    fromRank !== undefined ? { precision: from === 'long' ? 20 : 10, scale: 0 } : parseDecimal(from);
  if (!source) return false;
  const k1 = target.precision - source.precision;
  const k2 = target.scale - source.scale;
  return k1 >= k2 && k2 >= 0;
}

/**
 * The type changes recorded on a field. Spark stores a JSON array; a JSON string holding one is accepted too.
 * Entries that are not {fromType, toType} strings are skipped: the metadata is informative, never load-bearing.
 */
export function readTypeChanges(metadata: Record<string, unknown>): TypeChange[] {
  let raw = metadata['delta.typeChanges'];
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      return [];
    }
  }
  if (!Array.isArray(raw)) return [];
  const changes: TypeChange[] = [];
  for (const entry of raw as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { fromType, toType, fieldPath } = entry as Record<string, unknown>;
    if (typeof fromType !== 'string' || typeof toType !== 'string') continue;
    changes.push({ fromType, toType, ...(typeof fieldPath === 'string' ? { fieldPath } : {}) });
  }
  return changes;
}

function forEachField(
  type: DeltaType,
  path: string,
  visit: (path: string, metadata: Record<string, unknown>) => void,
): void {
  if (isStructType(type)) {
    for (const field of type.fields) {
      const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
      visit(fieldPath, field.metadata ?? {});
      forEachField(field.type, fieldPath, visit);
    }
  } else if (isArrayType(type)) {
    forEachField(type.elementType, `${path}.element`, visit);
  } else if (isMapType(type)) {
    forEachField(type.keyType, `${path}.key`, visit);
    forEachField(type.valueType, `${path}.value`, visit);
  }
}

/** Throws UNSUPPORTED_FEATURE naming the column when the schema records a type change this reader cannot apply. */
export function assertTypeChangesSupported(schema: StructType): void {
  forEachField(schema, '', (path, metadata) => {
    for (const change of readTypeChanges(metadata)) {
      if (isSupportedTypeChange(change.fromType, change.toType)) continue;
      const where = change.fieldPath ? `${path}.${change.fieldPath}` : path;
      throw new DeltaError(
        'UNSUPPORTED_FEATURE',
        `Column '${where}' was changed from ${change.fromType} to ${change.toType}, which is not a type widening this reader supports`,
      );
    }
  });
}

/** True when some field of the schema records a type change, i.e. files may hold narrower types than the schema. */
export function hasTypeChanges(schema: StructType): boolean {
  let found = false;
  forEachField(schema, '', (_path, metadata) => {
    if (readTypeChanges(metadata).length > 0) found = true;
  });
  return found;
}
