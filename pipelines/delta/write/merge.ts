// Merge by key (upsert and delete) in one commit. Only files whose key ranges (min/max stats, or partition values
// for partition-column keys) can contain an incoming key are read: DuckDB joins the incoming keys against the
// files' ranges. Without deletion vectors those files are rewritten (copy-on-write) — their unmatched rows carried
// over, matched rows replaced or deleted — together with the inserted rows. With `delta.enableDeletionVectors`
// the matched rows are only marked deleted in the files' deletion vectors (merge-deletion-vectors.ts) and the new
// rows go to new files. Everything else stays untouched; removes and adds go into ONE commit. With
// `delta.enableChangeDataFeed` the commit also carries the change data files of the rows it changed
// (merge-change-data.ts).

import { randomUUID } from 'node:crypto';
import type { Action, AddFile, Cdc } from '../actions';
import { DeltaError } from '../errors';
import { getLogicalFileKey } from '../replay';
import { quoteIdentifier, type StructType } from '../schema';
import { loadSnapshot, type Snapshot } from '../snapshot';
import { isChangeDataFeedEnabled } from './change-data';
import { deleteDataFiles, type DataLayout } from './data-files';
import { writeMergeChanges } from './merge-change-data';
import { getNow, type WriteEffects } from './effects';
import { buildDeletionVectorActions, canUseDeletionVectors } from './merge-deletion-vectors';
import { planCopyOnWriteTarget, planDeletionVectorTarget } from './merge-targets';
import { mayHoldSourceKeys, readSourceKeyBounds, selectCandidateFiles } from './merge-pruning';
import { describeQuery, reconcileSchema } from './table-schema';
import type { CommitOptions } from './transaction';
import {
  assertMayChangeRows,
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
import { assertWritable, isDeletionVectorsEnabled } from './write-protocol';
import { logCleanupFailure } from '../../support/cleanup';

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
  assertWritable(snapshot.protocol, snapshot.metadata, snapshot.schema);
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
    const keyJoin = keys.map((key) => `t.${quoteIdentifier(key)} = s.${quoteIdentifier(key)}`).join(' AND ');
    const sourceOnly = deleteColumn ? `s.* EXCLUDE (${quoteIdentifier(deleteColumn)})` : 's.*';
    const sourceRows = buildConformingSelect(
      `SELECT ${sourceOnly} FROM ${staged} s WHERE NOT ${isDelete}`,
      incoming,
      schema,
    );
    const useDeletionVectors =
      isDeletionVectorsEnabled(snapshot.metadata.configuration) && canUseDeletionVectors(candidates);
    const target = useDeletionVectors
      ? await planDeletionVectorTarget(effects, snapshot, candidates, staged, keys)
      : await planCopyOnWriteTarget(effects, snapshot, candidates, staged, keys, schema);
    let dvFilePath: string | undefined;
    try {
      const counts = await effects.duckdb.queryJson(
        `SELECT count(*) FILTER (WHERE NOT is_delete AND matched) AS updated,
                count(*) FILTER (WHERE NOT is_delete AND NOT matched) AS inserted,
                count(*) FILTER (WHERE is_delete AND matched) AS deleted
         FROM (SELECT ${isDelete} AS is_delete, ${target.matched(keyJoin)} AS matched FROM ${staged} s)`,
      );
      const updated = Number(counts[0]?.updated ?? 0);
      const inserted = Number(counts[0]?.inserted ?? 0);
      const deleted = Number(counts[0]?.deleted ?? 0);
      // No target row matched: the candidates stay as they are and the merge only inserts, which an append-only
      // table allows. Otherwise rows change, which it does not — refused here, before any file is written.
      const touchesTarget = updated + deleted > 0;
      if (touchesTarget) {
        assertMayChangeRows(
          snapshot.metadata,
          `the merge would update ${updated} and delete ${deleted} row(s)`,
        );
      }
      let fileActions: Action[];
      let fileMetrics: Record<string, number>;
      if (!touchesTarget) {
        fileActions = [];
        fileMetrics = { numTargetRowsCopied: 0, numTargetFilesRemoved: 0, numTargetBytesRemoved: 0 };
      } else if (target.kind === 'deletionVectors') {
        const built = await buildDeletionVectorActions(
          effects,
          snapshot,
          candidates,
          target.deletedRows,
          target.rows,
          now,
        );
        dvFilePath = built.dvFilePath;
        fileActions = built.actions;
        fileMetrics = { ...built.metrics, numTargetRowsCopied: 0 };
      } else {
        const removes = candidates.map((file) => buildRemoveAction(file, now, true));
        fileActions = removes.map((remove) => ({ remove }));
        fileMetrics = {
          numTargetRowsCopied: Math.max(0, countRecords(candidates) - updated - deleted),
          numTargetFilesRemoved: removes.length,
          numTargetBytesRemoved: sumSizes(candidates),
        };
      }
      assertMayRemove(
        snapshot.metadata,
        fileActions.flatMap((action) => (action.remove ? [action.remove] : [])),
      );
      const rowsPerFile = estimateRowsPerFile(candidates, snapshot);
      const carried = touchesTarget ? target.carried : '';
      const dataSql = carried ? `${carried} UNION ALL ${sourceRows}` : sourceRows;
      let adds: AddFile[];
      try {
        adds =
          carried === '' && updated + inserted === 0
            ? []
            : await writeSnapshotFiles(effects, tableRoot, snapshot, {
                sql: dataSql,
                schema,
                dataChange: true,
                layout: { sortBy: keys, ...(rowsPerFile ? { rowsPerFile } : {}), ...options.layout },
              });
      } catch (error) {
        // E.g. a row violating a CHECK constraint: the deletion vector file written above goes too.
        if (dvFilePath) await effects.storage.delete(dvFilePath).catch(() => false);
        throw error;
      }
      // Rows changed on a table with the change data feed: the commit carries change files (an insert-only merge
      // needs none, its adds are the inserts).
      let changes: Cdc[] = [];
      if (touchesTarget && isChangeDataFeedEnabled(snapshot.metadata)) {
        try {
          changes = await writeMergeChanges(effects, snapshot, {
            candidates,
            staged,
            keyJoin,
            isDelete,
            sourceRows,
            schema,
          });
        } catch (error) {
          if (dvFilePath) await effects.storage.delete(dvFilePath).catch(() => false);
          await deleteDataFiles(effects.storage, tableRoot, adds);
          throw error;
        }
      }
      const actions = [
        ...buildDataWriteActions(effects, snapshot, schema, options.txn, fileActions, adds),
        ...changes.map((cdc) => ({ cdc })),
      ];
      const rewritten = touchesTarget && target.kind === 'copyOnWrite';
      const bytesRewritten = rewritten ? sumSizes(candidates) : 0;
      const filesRewritten = rewritten ? candidates.length : 0;
      const metrics: Record<string, number> = {
        numSourceRows: updated + inserted + deleted,
        numTargetRowsUpdated: updated,
        numTargetRowsInserted: inserted,
        numTargetRowsDeleted: deleted,
        ...fileMetrics,
        numTargetFilesAdded: adds.length,
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
      const result = await commitOnSnapshot(
        effects,
        snapshot,
        {
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
          newFiles: [...adds, ...changes],
        },
        options,
      );
      if (result.alreadyApplied && dvFilePath) await effects.storage.delete(dvFilePath).catch(() => false);
      return { ...result, metrics, filesRewritten, bytesRewritten };
    } finally {
      await target.release();
    }
  } finally {
    await effects.duckdb
      .run(`DROP TABLE IF EXISTS ${staged}`)
      .catch(logCleanupFailure('DROP of a staging table'));
  }
}
