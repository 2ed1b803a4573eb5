// Planning a sync (pure): which files changed between two snapshots, whether the MySQL table can follow the new
// schema by adding columns, and whether an incremental sync is still the right tool.

import type { AddFile } from '../delta/actions';
import { getLogicalFileKey } from '../delta/replay';
import { parseFileStats } from '../delta/stats';
import type { StructType } from '../delta/schema';
import {
  getColumnCapacity,
  mapDeltaType,
  type MySqlColumn,
  type TypeMappingOptions,
} from './mysql/type-mapping';

export interface FileDiff {
  /** Logical files of the old snapshot that the new one no longer has (their rows may be deleted or rewritten). */
  removed: AddFile[];
  /** Logical files of the new snapshot the old one did not have. */
  added: AddFile[];
}

/** Files removed and added between two snapshots, by logical file (path + deletion vector). */
export function diffSnapshotFiles(oldFiles: AddFile[], newFiles: AddFile[]): FileDiff {
  const oldKeys = new Set(oldFiles.map(getLogicalFileKey));
  const newKeys = new Set(newFiles.map(getLogicalFileKey));
  return {
    removed: oldFiles.filter((file) => !newKeys.has(getLogicalFileKey(file))),
    added: newFiles.filter((file) => !oldKeys.has(getLogicalFileKey(file))),
  };
}

/** Rows in files according to their stats (minus deletion vectors), or null when a file has no row count. */
export function countRowsFromStats(files: AddFile[]): number | null {
  let total = 0;
  for (const file of files) {
    const records = parseFileStats(file)?.numRecords;
    if (records === undefined) return null;
    total += records - (file.deletionVector?.cardinality ?? 0);
  }
  return total;
}

export type SchemaComparison =
  { compatible: true; addedFields: string[] } | { compatible: false; reason: string };

/**
 * Can the MySQL table built with `stored` follow `schema`? Columns may be added; a column that disappeared or
 * whose type no longer maps to the same MySQL type needs a full resync.
 */
export function compareSchema(
  stored: MySqlColumn[],
  schema: StructType,
  options: TypeMappingOptions,
): SchemaComparison {
  const fields = new Map(schema.fields.map((field) => [field.name, field]));
  for (const column of stored) {
    const field = fields.get(column.name);
    if (!field)
      return { compatible: false, reason: `column '${column.name}' was dropped or renamed in Delta` };
    const mapped = mapDeltaType(field.name, field.type, { ...options, valueLengths: {} });
    const sized = column.kind === 'string' || column.kind === 'binary';
    if (mapped.kind !== column.kind || (!sized && mapped.sqlType !== column.sqlType)) {
      return {
        compatible: false,
        reason: `column '${column.name}' changed type (${column.sqlType} → ${mapped.sqlType})`,
      };
    }
  }
  const known = new Set(stored.map((column) => column.name));
  return {
    compatible: true,
    addedFields: schema.fields.map((f) => f.name).filter((name) => !known.has(name)),
  };
}

/** First column whose longest new value no longer fits its MySQL type, or null. */
export function findTooNarrowColumn(stored: MySqlColumn[], lengths: Record<string, number>): string | null {
  for (const column of stored) {
    const length = lengths[column.name];
    if (length !== undefined && length > getColumnCapacity(column.sqlType)) return column.name;
  }
  return null;
}

export interface ChangeVolume {
  changedRows: number;
  targetRows: number | null;
  /** Above this fraction of the table a full resync is cheaper than row-by-row changes. */
  maxChangeFraction: number;
  /** Never fall back below this many changed rows. */
  minRowsForFallback?: number;
}

export function isTooManyChanges(volume: ChangeVolume): boolean {
  if (volume.targetRows === null) return false;
  if (volume.changedRows < (volume.minRowsForFallback ?? 10000)) return false;
  return volume.changedRows > volume.maxChangeFraction * Math.max(volume.targetRows, 1);
}
