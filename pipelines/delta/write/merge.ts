// Merge by key (upsert and delete) in one commit. Only files whose key ranges (min/max stats, or partition values
// for partition-column keys) can contain an incoming key are read: DuckDB joins the incoming keys against the
// files' ranges. Those files are rewritten — their unmatched rows carried over, matched rows replaced or deleted —
// together with the inserted rows; everything else stays untouched. Removes and adds go into ONE commit.

import { randomUUID } from 'node:crypto';
import type { Action, AddFile } from '../actions';
import { DeltaError } from '../errors';
import { getLogicalFileKey } from '../replay';
import { planScan } from '../scan';
import { quoteIdentifier, type StructType } from '../schema';
import { loadSnapshot, type Snapshot } from '../snapshot';
import { writeDataFiles, type DataLayout } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { mayHoldSourceKeys, readSourceKeyBounds, selectCandidateFiles } from './merge-pruning';
import { getNumIndexedCols } from './table-properties';
import { describeQuery, reconcileSchema } from './table-schema';
import { commitTransaction, type CommitOptions } from './transaction';
import {
  assertMayRemove,
  buildConformingSelect,
  buildRemoveAction,
  buildSchemaChangeActions,
  buildTxnAction,
  countRecords,
  findAppliedTxn,
  sumSizes,
  type TxnOption,
  type WriteResult,
} from './write-support';
import { assertWritable } from './write-protocol';

export interface MergeOptions extends CommitOptions {
  /** Key columns: a source row replaces (or deletes) the target row with equal keys. */
  keys: string[];
  /** A BOOLEAN column of the source: true marks a delete of that key. It is not written to the table. */
  deleteColumn?: string;
  mergeSchema?: boolean;
  txn?: TxnOption;
  layout?: DataLayout;
}

export interface MergeResult extends WriteResult {
  filesRewritten: number;
  bytesRewritten: number;
}

function stageName(): string {
  return `__delta_merge_${randomUUID().replace(/-/g, '')}`;
}

/** Rows per output file: keep the rewritten files' average so file sizes stay stable. */
function estimateRowsPerFile(files: AddFile[], snapshot: Snapshot): number | undefined {
  const sample = files.length > 0 ? files : snapshot.files;
  const rows = countRecords(sample);
  return sample.length > 0 && rows > 0 ? Math.max(1, Math.ceil(rows / sample.length)) : undefined;
}

/** Merges the rows of a DuckDB query into the table by key. */
export async function merge(
  effects: WriteEffects,
  tableRoot: string,
  source: string,
  options: MergeOptions,
): Promise<MergeResult> {
  const keys = options.keys;
  if (keys.length === 0) throw new DeltaError('INVALID_ARGUMENT', 'merge needs at least one key column');
  const snapshot = await loadSnapshot(effects, tableRoot);
  assertWritable(snapshot.protocol, snapshot.metadata, snapshot.schema, { removesData: true });
  if (findAppliedTxn(snapshot, options.txn) !== undefined) {
    return {
      version: snapshot.version,
      alreadyApplied: true,
      metrics: {},
      filesRewritten: 0,
      bytesRewritten: 0,
    };
  }
  const described = await describeQuery(effects.duckdb, source);
  const deleteColumn = options.deleteColumn;
  const incoming: StructType = {
    type: 'struct',
    fields: described.fields.filter((field) => field.name !== deleteColumn),
  };
  for (const key of keys) {
    if (
      !incoming.fields.some((field) => field.name === key) ||
      !snapshot.schema.fields.some((f) => f.name === key)
    ) {
      throw new DeltaError(
        'INVALID_ARGUMENT',
        `Merge key '${key}' must be a column of both the table and the source`,
      );
    }
  }
  const schema = reconcileSchema(snapshot.schema, incoming, options.mergeSchema === true);
  const staged = stageName();
  const keyList = keys.map(quoteIdentifier).join(', ');
  const isDelete = deleteColumn ? `coalesce(s.${quoteIdentifier(deleteColumn)}, false)` : 'false';
  await effects.duckdb.run(`CREATE TEMP TABLE ${staged} AS SELECT * FROM (${source})`);
  try {
    const duplicates = await effects.duckdb.queryJson(
      `SELECT count(*) AS n FROM (SELECT ${keyList} FROM ${staged} GROUP BY ALL HAVING count(*) > 1)`,
    );
    if (Number(duplicates[0]?.n ?? 0) > 0) {
      throw new DeltaError(
        'DUPLICATE_SOURCE_KEYS',
        `The merge source has several rows for the same key (${keys.join(', ')})`,
      );
    }
    const candidates = await selectCandidateFiles(effects.duckdb, snapshot, staged, keys);
    const sourceBounds = await readSourceKeyBounds(effects.duckdb, snapshot, staged, keys);
    const now = getNow(effects);
    const removes = candidates.map((file) => buildRemoveAction(file, now, true));
    assertMayRemove(snapshot.metadata, removes);
    const keyJoin = keys.map((key) => `t.${quoteIdentifier(key)} = s.${quoteIdentifier(key)}`).join(' AND ');
    const sourceOnly = deleteColumn ? `s.* EXCLUDE (${quoteIdentifier(deleteColumn)})` : 's.*';
    const sourceRows = buildConformingSelect(
      `SELECT ${sourceOnly} FROM ${staged} s WHERE NOT ${isDelete}`,
      incoming,
      schema,
    );
    let plan: { sql: string; release(): Promise<void> } | undefined;
    let carried = '';
    try {
      let matched = 'false';
      if (candidates.length > 0) {
        plan = await planScan(effects, { ...snapshot, files: candidates });
        const targetRows = buildConformingSelect(plan.sql, snapshot.schema, schema);
        carried = `SELECT * FROM (${targetRows}) t WHERE NOT EXISTS (SELECT 1 FROM ${staged} s WHERE ${keyJoin})`;
        matched = `EXISTS (SELECT 1 FROM (${plan.sql}) t WHERE ${keyJoin})`;
      }
      const counts = await effects.duckdb.queryJson(
        `SELECT count(*) FILTER (WHERE NOT is_delete AND matched) AS updated,
                count(*) FILTER (WHERE NOT is_delete AND NOT matched) AS inserted,
                count(*) FILTER (WHERE is_delete AND matched) AS deleted
         FROM (SELECT ${isDelete} AS is_delete, ${matched} AS matched FROM ${staged} s)`,
      );
      const updated = Number(counts[0]?.updated ?? 0);
      const inserted = Number(counts[0]?.inserted ?? 0);
      const deleted = Number(counts[0]?.deleted ?? 0);
      const rowsPerFile = estimateRowsPerFile(candidates, snapshot);
      const adds =
        candidates.length === 0 && inserted === 0
          ? []
          : await writeDataFiles(effects, {
              tableRoot,
              sql: carried ? `${carried} UNION ALL ${sourceRows}` : sourceRows,
              schema,
              partitionColumns: snapshot.partitionColumns,
              dataChange: true,
              numIndexedCols: getNumIndexedCols(snapshot.metadata.configuration ?? {}),
              layout: { sortBy: keys, ...(rowsPerFile ? { rowsPerFile } : {}), ...options.layout },
            });
      const actions: Action[] = [
        ...buildSchemaChangeActions(snapshot, schema),
        ...buildTxnAction(effects, options.txn),
        ...removes.map((remove) => ({ remove })),
        ...adds.map((add) => ({ add })),
      ];
      const bytesRewritten = sumSizes(candidates);
      const metrics: Record<string, number> = {
        numSourceRows: updated + inserted + Number(counts[0]?.deleted ?? 0),
        numTargetRowsUpdated: updated,
        numTargetRowsInserted: inserted,
        numTargetRowsDeleted: deleted,
        numTargetRowsCopied: Math.max(0, countRecords(candidates) - updated - deleted),
        numTargetFilesRemoved: removes.length,
        numTargetFilesAdded: adds.length,
        numTargetBytesRemoved: bytesRewritten,
        numTargetBytesAdded: sumSizes(adds),
      };
      if (actions.length === 0) {
        return {
          version: snapshot.version,
          alreadyApplied: false,
          metrics,
          filesRewritten: 0,
          bytesRewritten: 0,
        };
      }
      const candidateKeys = new Set(candidates.map(getLogicalFileKey));
      const result = await commitTransaction(
        effects,
        {
          tableRoot,
          readVersion: snapshot.version,
          operation: 'MERGE',
          operationParameters: {
            predicate: JSON.stringify(keys.map((key) => `t.${key} = s.${key}`)),
            matchedPredicates: JSON.stringify([
              { actionType: 'update' },
              ...(deleteColumn ? [{ actionType: 'delete' }] : []),
            ]),
            notMatchedPredicates: JSON.stringify([{ actionType: 'insert' }]),
          },
          operationMetrics: metrics,
          actions,
          isBlindAppend: false,
          reads: {
            // A concurrent non-blind commit adding files that may hold our keys would make the merge stale.
            readPredicate: (file) =>
              candidateKeys.has(getLogicalFileKey(file)) ||
              mayHoldSourceKeys(file, snapshot, keys, sourceBounds),
            readFileKeys: candidateKeys,
            ...(options.txn ? { txn: options.txn } : {}),
          },
          configuration: snapshot.metadata.configuration ?? {},
          newFiles: adds,
        },
        options,
      );
      return { ...result, metrics, filesRewritten: candidates.length, bytesRewritten };
    } finally {
      await plan?.release();
    }
  } finally {
    await effects.duckdb.run(`DROP TABLE IF EXISTS ${staged}`).catch(() => undefined);
  }
}
