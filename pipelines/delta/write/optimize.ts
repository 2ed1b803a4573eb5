// Optimize (bin-packing compaction): per partition, files smaller than the target size are rewritten into files
// of about the target size, optionally sorted by columns. Files whose deletion vector drops more than
// `maxDeletedRowsRatio` of their rows (Spark's delta.optimize.maxDeletedRowsRatio, 5%) are rewritten too, even
// alone, which materialises the deletes. Rows do not change, so adds and removes carry dataChange=false and
// streaming readers skip the commit.

import type { Action, AddFile } from '../actions';
import { getLogicalFileKey } from '../replay';
import { planScan } from '../scan';
import { loadSnapshot } from '../snapshot';
import { parseFileStats } from '../stats';
import { DEFAULT_TARGET_FILE_SIZE } from './data-files';
import { getNow, type WriteEffects } from './effects';
import type { CommitOptions } from './transaction';
import {
  buildConformingSelect,
  buildRemoveAction,
  commitOnSnapshot,
  countRecords,
  sumSizes,
  type WriteResult,
  writeSnapshotFiles,
} from './write-support';
import { assertWritable } from './write-protocol';
import { DeltaError } from '../errors';

export interface OptimizeOptions extends CommitOptions {
  /** Target file size in bytes (default 128 MiB); smaller files are compacted. */
  targetFileSize?: number;
  /** Columns to sort each partition's rows by; then a partition's files are rewritten even if only one is small. */
  sortBy?: string[];
  /** Only partitions whose values equal these. */
  partitionFilter?: Record<string, string | null>;
  /** Files with a larger share of rows deleted by their deletion vector are rewritten (default 0.05). */
  maxDeletedRowsRatio?: number;
}

export const DEFAULT_MAX_DELETED_ROWS_RATIO = 0.05;

/** Share of a file's rows its deletion vector drops (0 without one or without numRecords). */
function getDeletedRowsRatio(file: AddFile): number {
  const cardinality = file.deletionVector?.cardinality ?? 0;
  if (cardinality === 0) return 0;
  const numRecords = parseFileStats(file)?.numRecords;
  // Unknown size: not rewritten on a guess (maintenance would otherwise rewrite it every day).
  return typeof numRecords === 'number' && numRecords > 0 ? cardinality / numRecords : 0;
}

function groupByPartition(files: AddFile[], partitionColumns: string[]): Map<string, AddFile[]> {
  const groups = new Map<string, AddFile[]>();
  for (const file of files) {
    const key = JSON.stringify(partitionColumns.map((column) => file.partitionValues[column] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  return groups;
}

export async function optimize(
  effects: WriteEffects,
  tableRoot: string,
  options: OptimizeOptions = {},
): Promise<WriteResult> {
  const snapshot = await loadSnapshot(effects, tableRoot);
  assertWritable(snapshot.protocol, snapshot.metadata, snapshot.schema);
  const target = options.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE;
  for (const column of options.sortBy ?? []) {
    if (!snapshot.schema.fields.some((field) => field.name === column)) {
      throw new DeltaError('INVALID_ARGUMENT', `Unknown sort column '${column}'`);
    }
  }
  const filter = options.partitionFilter;
  const eligible = snapshot.files.filter(
    (file) =>
      !filter ||
      Object.entries(filter).every(([column, value]) => (file.partitionValues[column] ?? null) === value),
  );
  const maxDeleted = options.maxDeletedRowsRatio ?? DEFAULT_MAX_DELETED_ROWS_RATIO;
  const selected: AddFile[] = [];
  for (const files of groupByPartition(eligible, snapshot.partitionColumns).values()) {
    const small = options.sortBy?.length ? files : files.filter((file) => file.size < target);
    const compact = small.length >= 2 || (options.sortBy?.length && small.length >= 1 && files.length > 1);
    const chosen = new Set(compact ? small : []);
    for (const file of files) if (getDeletedRowsRatio(file) > maxDeleted) chosen.add(file);
    selected.push(...files.filter((file) => chosen.has(file)));
  }
  if (selected.length === 0) {
    return {
      version: snapshot.version,
      alreadyApplied: false,
      metrics: { numFilesAdded: 0, numFilesRemoved: 0 },
    };
  }
  const plan = await planScan(effects, { ...snapshot, files: selected });
  try {
    const rows = countRecords(selected);
    const bytes = sumSizes(selected);
    const rowsPerFile =
      rows > 0 && bytes > target ? Math.max(1, Math.floor((rows * target) / bytes)) : undefined;
    const adds = await writeSnapshotFiles(effects, tableRoot, snapshot, {
      sql: buildConformingSelect(plan.sql, snapshot.schema, snapshot.schema),
      schema: snapshot.schema,
      dataChange: false,
      layout: {
        ...(options.sortBy ? { sortBy: options.sortBy } : {}),
        ...(rowsPerFile ? { rowsPerFile } : {}),
        targetFileSize: target,
      },
    });
    const now = getNow(effects);
    const removes = selected.map((file) => buildRemoveAction(file, now, false));
    const actions: Action[] = [...removes.map((remove) => ({ remove })), ...adds.map((add) => ({ add }))];
    const metrics: Record<string, number> = {
      numFilesAdded: adds.length,
      numFilesRemoved: removes.length,
      numAddedBytes: sumSizes(adds),
      numRemovedBytes: bytes,
      numRows: countRecords(adds),
      numDeletionVectorsRemoved: selected.filter((file) => file.deletionVector).length,
    };
    const readKeys = new Set(selected.map(getLogicalFileKey));
    const result = await commitOnSnapshot(
      effects,
      snapshot,
      {
        operation: 'OPTIMIZE',
        operationParameters: {
          predicate: JSON.stringify(filter ? [JSON.stringify(filter)] : []),
          zOrderBy: JSON.stringify(options.sortBy ?? []),
        },
        operationMetrics: metrics,
        actions,
        isBlindAppend: false,
        // Compaction only conflicts with commits that removed the files it rewrote.
        reads: { readPredicate: 'none', readFileKeys: readKeys },
        newFiles: adds,
      },
      options,
    );
    return { ...result, metrics };
  } finally {
    await plan.release();
  }
}
