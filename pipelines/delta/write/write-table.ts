// Append and overwrite: the rows of a DuckDB query become new data files, committed in one version. Overwrite also
// removes every live file, or only those of the partitions named by `partitionFilter` (Delta's replaceWhere on
// partition columns), and checks that the new rows all belong to those partitions. On a table with the change data
// feed, an overwrite replacing files that carry deletion vectors also writes change files (writeOverwriteChanges).

import type { AddFile, Cdc } from '../actions';
import { DeltaError } from '../errors';
import { getLogicalFileKey } from '../replay';
import { loadSnapshot, type Snapshot } from '../snapshot';
import { planScan } from '../scan';
import type { StructType } from '../schema';
import { isChangeDataFeedEnabled, writeReplacementChanges } from './change-data';
import { deleteDataFiles, type DataLayout } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { formatPartitionSql } from './partition-paths';
import { describeQuery, reconcileSchema } from './table-schema';
import type { CommitOptions } from './transaction';
import {
  assertMayRemove,
  buildConformingSelect,
  buildDataWriteActions,
  buildRemoveAction,
  commitOnSnapshot,
  countRecords,
  findAppliedTxn,
  sumSizes,
  type TxnOption,
  type WriteResult,
  writeSnapshotFiles,
} from './write-support';
import { assertWritable } from './write-protocol';
import { toSqlString } from '../../engine/duckdb-session';

export interface AppendOptions extends CommitOptions {
  /** Add new nullable columns of the data to the table schema (in the same commit). */
  mergeSchema?: boolean;
  txn?: TxnOption;
  layout?: DataLayout;
}

export interface OverwriteOptions extends AppendOptions {
  /** Only replace files whose partition values equal these (partitionValues strings; null for NULL). */
  partitionFilter?: Record<string, string | null>;
}

function unchanged(snapshot: Snapshot): WriteResult {
  return { version: snapshot.version, alreadyApplied: true, metrics: {} };
}

function matchesPartitionFilter(file: AddFile, filter: Record<string, string | null>): boolean {
  return Object.entries(filter).every(([column, value]) => {
    const actual = file.partitionValues[column];
    const normalized = actual === undefined || actual === '' ? null : actual;
    return normalized === (value === '' ? null : value);
  });
}

/**
 * The change files of an overwrite on a table with the change data feed. Readers take a commit without change files
 * as "adds inserted, removes deleted", which is exact while every replaced file is removed with all its rows; a
 * replaced file with a deletion vector would have its already deleted rows reported again, so then the commit
 * carries change files: the replaced files' live rows as deletes, the new rows as inserts.
 */
async function writeOverwriteChanges(
  effects: WriteEffects,
  snapshot: Snapshot,
  replaced: AddFile[],
  newRows: string,
  schema: StructType,
): Promise<Cdc[]> {
  if (!isChangeDataFeedEnabled(snapshot.metadata) || !replaced.some((file) => file.deletionVector)) return [];
  const plan = await planScan(effects, { ...snapshot, files: replaced });
  try {
    return await writeReplacementChanges(effects, snapshot, {
      removedSql: buildConformingSelect(plan.sql, snapshot.schema, schema),
      addedSql: newRows,
      schema,
      cancelUnchanged: false,
    });
  } finally {
    await plan.release();
  }
}

async function writeRows(
  effects: WriteEffects,
  tableRoot: string,
  data: string,
  mode: 'Append' | 'Overwrite',
  options: OverwriteOptions,
): Promise<WriteResult> {
  const snapshot = await loadSnapshot(effects, tableRoot);
  const filter = options.partitionFilter;
  assertWritable(snapshot.protocol, snapshot.metadata, snapshot.schema);
  if (findAppliedTxn(snapshot, options.txn) !== undefined) return unchanged(snapshot);
  const incoming = await describeQuery(effects.duckdb, data);
  const schema = reconcileSchema(snapshot.schema, incoming, options.mergeSchema === true);
  const sql = buildConformingSelect(data, incoming, schema);
  if (filter) {
    for (const column of Object.keys(filter)) {
      if (!snapshot.partitionColumns.includes(column)) {
        throw new DeltaError(
          'INVALID_ARGUMENT',
          `partitionFilter column '${column}' is not a partition column`,
        );
      }
    }
    const conditions = Object.entries(filter).map(([column, value]) => {
      const field = schema.fields.find((candidate) => candidate.name === column);
      const rendered = formatPartitionSql(column, field?.type ?? 'string');
      return value === null
        ? `${rendered} IS NULL`
        : `${rendered} IS NOT DISTINCT FROM ${toSqlString(value)}`;
    });
    const outside = await effects.duckdb.queryJson(
      `SELECT count(*) AS n FROM (${sql}) WHERE NOT (${conditions.join(' AND ')})`,
    );
    if (Number(outside[0]?.n ?? 0) > 0) {
      throw new DeltaError(
        'INVALID_ARGUMENT',
        'Overwrite data has rows outside the partitions of partitionFilter',
      );
    }
  }
  const now = getNow(effects);
  const replaced =
    mode === 'Overwrite'
      ? snapshot.files.filter((file) => !filter || matchesPartitionFilter(file, filter))
      : [];
  const removes = replaced.map((file) => buildRemoveAction(file, now, true));
  assertMayRemove(snapshot.metadata, removes);
  const adds = await writeSnapshotFiles(effects, tableRoot, snapshot, {
    sql,
    schema,
    dataChange: true,
    layout: options.layout,
  });
  const changes = await writeOverwriteChanges(effects, snapshot, replaced, sql, schema).catch(
    async (error: unknown) => {
      await deleteDataFiles(effects.storage, tableRoot, adds);
      throw error;
    },
  );
  const actions = [
    ...buildDataWriteActions(
      effects,
      snapshot,
      schema,
      options.txn,
      removes.map((remove) => ({ remove })),
      adds,
    ),
    ...changes.map((cdc) => ({ cdc })),
  ];
  const metrics: Record<string, number> = {
    numFiles: adds.length,
    numOutputRows: countRecords(adds),
    numOutputBytes: sumSizes(adds),
    ...(mode === 'Overwrite' ? { numRemovedFiles: removes.length, numRemovedBytes: sumSizes(removes) } : {}),
  };
  const result = await commitOnSnapshot(
    effects,
    snapshot,
    {
      operation: 'WRITE',
      operationParameters: {
        mode,
        partitionBy: JSON.stringify(snapshot.partitionColumns),
        ...(filter ? { predicate: JSON.stringify(filter) } : {}),
      },
      operationMetrics: metrics,
      actions,
      isBlindAppend: mode === 'Append',
      reads:
        mode === 'Append'
          ? { readPredicate: 'none', readFileKeys: new Set(), ...(options.txn ? { txn: options.txn } : {}) }
          : {
              readPredicate: filter ? (file) => matchesPartitionFilter(file, filter) : 'all',
              readFileKeys: new Set(replaced.map(getLogicalFileKey)),
              ...(options.txn ? { txn: options.txn } : {}),
            },
      newFiles: [...adds, ...changes],
    },
    options,
  );
  return { ...result, metrics };
}

/** Appends the rows of a DuckDB query (e.g. `SELECT * FROM read_parquet('…')`) to the table. */
export function append(
  effects: WriteEffects,
  tableRoot: string,
  data: string,
  options: AppendOptions = {},
): Promise<WriteResult> {
  return writeRows(effects, tableRoot, data, 'Append', options);
}

/** Replaces the table's rows (or those of the filtered partitions) with the rows of a DuckDB query. */
export function overwrite(
  effects: WriteEffects,
  tableRoot: string,
  data: string,
  options: OverwriteOptions = {},
): Promise<WriteResult> {
  return writeRows(effects, tableRoot, data, 'Overwrite', options);
}
