// Merge on a table with deletion vectors: instead of rewriting every candidate file, only the candidates' key
// columns are read (with each row's position in its file); target rows whose key arrives in the source are marked
// deleted in the file's deletion vector (united with the one it had), and the source's inserted and updated rows go
// to new files. A file whose every row ends up deleted is removed outright.

import { toSqlString } from '../../engine/duckdb-session';
import { materializeLakeFile, materializeLakeFiles } from '../../engine/local-files';
import type { Action, AddFile } from '../actions';
import { loadDeletedRows } from '../deletion-vectors';
import { joinLakePath } from '../log-files';
import { toPartitionSqlLiteral } from '../partition-values';
import { decodePathUri, isAbsolutePath } from '../paths';
import { quoteIdentifier } from '../schema';
import type { Snapshot } from '../snapshot';
import { parseFileStats } from '../stats';
import type { WriteEffects } from './effects';
import { buildDeletionVectorAdd, writeDeletionVectors } from './deletion-vector-writer';
import { buildRemoveAction } from './write-support';
import { logCleanupFailure } from '../../support/cleanup';

export interface MatchedTargetRows {
  /** Temp table of matched live target rows: __idx (candidate index), __pos (row in file), the key columns. */
  table: string;
  release(): Promise<void>;
}

/** True when the candidates can be handled with deletion vectors (files inside the table root). */
export function canUseDeletionVectors(candidates: AddFile[]): boolean {
  return candidates.every((file) => !isAbsolutePath(decodePathUri(file.path)));
}

/**
 * Finds the live target rows of the candidate files whose keys appear in the staged source, as a temp table.
 * One read_parquet over all candidates, only key columns plus file_row_number; rows their current deletion vector
 * already drops are excluded.
 */
export async function matchTargetRows(
  effects: WriteEffects,
  snapshot: Snapshot,
  candidates: AddFile[],
  staged: string,
  keys: string[],
  deletedRows: (number[] | undefined)[],
): Promise<MatchedTargetRows> {
  const suffix = staged.replace(/^__delta_merge_/, '');
  const table = `__delta_matched_${suffix}`;
  const deleted = `__delta_dv_rows_${suffix}`;
  let materialized: { release(): Promise<void> } | undefined;
  const release = async (): Promise<void> => {
    await effects.duckdb
      .run(`DROP TABLE IF EXISTS ${table}`)
      .catch(logCleanupFailure('DROP of a staging table'));
    await effects.duckdb
      .run(`DROP TABLE IF EXISTS ${deleted}`)
      .catch(logCleanupFailure('DROP of a staging table'));
    await materialized?.release();
  };
  try {
    const { paths, release: releaseFiles } = await materializeLakeFiles(
      effects.storage,
      candidates.map((file) => joinLakePath(snapshot.tableRoot, decodePathUri(file.path))),
    );
    materialized = { release: releaseFiles };
    const keyJoin = keys.map((key) => `t.${quoteIdentifier(key)} = s.${quoteIdentifier(key)}`).join(' AND ');
    if (candidates.length === 0) {
      const keyList = keys.map((key) => `s.${quoteIdentifier(key)}`).join(', ');
      await effects.duckdb.run(
        `CREATE TEMP TABLE ${table} AS SELECT 0::INTEGER AS __idx, 0::BIGINT AS __pos, ${keyList} FROM ${staged} s WHERE false`,
      );
      return { table, release };
    }
    const partitionKeys = keys.filter((key) => snapshot.partitionColumns.includes(key));
    const fileRows = candidates.map((file, index) => {
      const literals = partitionKeys.map((key) => {
        const type = snapshot.schema.fields.find((field) => field.name === key)?.type ?? 'string';
        return toPartitionSqlLiteral(file.partitionValues[key], type);
      });
      return `(${[toSqlString(paths[index] ?? ''), String(index), ...literals].join(', ')})`;
    });
    const fileColumns = ['__fname', '__idx', ...partitionKeys.map((_, i) => `__pk${i}`)];
    const keyExpr = (key: string): string => {
      const at = partitionKeys.indexOf(key);
      return at >= 0 ? `f.__pk${at}` : `t.${quoteIdentifier(key)}`;
    };
    const dataKeys = keys.filter((key) => !partitionKeys.includes(key)).map(quoteIdentifier);
    const fileList = `[${paths.map(toSqlString).join(', ')}]`;
    const target =
      `SELECT f.__idx, t.file_row_number AS __pos, ${keys.map((key) => `${keyExpr(key)} AS ${quoteIdentifier(key)}`).join(', ')} ` +
      `FROM (SELECT __delta_file, file_row_number${dataKeys.map((k) => `, ${k}`).join('')} ` +
      `FROM read_parquet(${fileList}, filename = '__delta_file', file_row_number = true, union_by_name = true)) t ` +
      `JOIN (VALUES ${fileRows.join(', ')}) f(${fileColumns.join(', ')}) ON t.__delta_file = f.__fname`;
    await effects.duckdb.run(`CREATE TEMP TABLE ${deleted} (__idx INTEGER, __pos BIGINT)`);
    // Through DuckDB's appender, not SQL text: a file's deletion vector may hold millions of row positions.
    const appender = await effects.duckdb.connection.createAppender(deleted, 'main', 'temp');
    try {
      for (const [index, rows] of deletedRows.entries()) {
        for (const position of rows ?? []) {
          appender.appendInteger(index);
          appender.appendBigInt(BigInt(position));
          appender.endRow();
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await effects.duckdb.run(
      `CREATE TEMP TABLE ${table} AS SELECT t.* FROM (${target}) t ` +
        `WHERE EXISTS (SELECT 1 FROM ${staged} s WHERE ${keyJoin}) ` +
        `AND NOT EXISTS (SELECT 1 FROM ${deleted} d WHERE d.__idx = t.__idx AND d.__pos = t.__pos)`,
    );
    return { table, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Physical row count of a file: stats.numRecords, else the Parquet footer. */
async function countFileRows(effects: WriteEffects, snapshot: Snapshot, file: AddFile): Promise<number> {
  const numRecords = parseFileStats(file)?.numRecords;
  if (typeof numRecords === 'number' && Number.isFinite(numRecords)) return numRecords;
  const local = await materializeLakeFile(
    effects.storage,
    joinLakePath(snapshot.tableRoot, decodePathUri(file.path)),
  );
  try {
    const rows = await effects.duckdb.queryJson(
      `SELECT count(*) AS n FROM read_parquet(${toSqlString(local.path)})`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await local.release();
  }
}

export interface DeletionVectorActions {
  actions: Action[];
  /** Lake path of the DV file written (to delete again if the commit turns out to be already applied). */
  dvFilePath?: string;
  metrics: Record<string, number>;
}

/** Loads the current deletion vectors of the candidates (undefined where a file has none). */
export async function loadCandidateDeletions(
  effects: WriteEffects,
  snapshot: Snapshot,
  candidates: AddFile[],
): Promise<(number[] | undefined)[]> {
  const out: (number[] | undefined)[] = [];
  for (const file of candidates) {
    out.push(
      file.deletionVector
        ? await loadDeletedRows(effects.storage, snapshot.tableRoot, file.deletionVector)
        : undefined,
    );
  }
  return out;
}

/** Remove/add actions giving each touched candidate its united deletion vector (or removing it when emptied). */
export async function buildDeletionVectorActions(
  effects: WriteEffects,
  snapshot: Snapshot,
  candidates: AddFile[],
  deletedRows: (number[] | undefined)[],
  matched: MatchedTargetRows,
  now: number,
): Promise<DeletionVectorActions> {
  const grouped = await effects.duckdb.queryJson(
    `SELECT __idx, list(__pos ORDER BY __pos) AS positions FROM ${matched.table} GROUP BY __idx ORDER BY __idx`,
  );
  const actions: Action[] = [];
  const updates: { file: AddFile; rows: number[]; numRecords: number }[] = [];
  const metrics = {
    numTargetDeletionVectorsAdded: 0,
    numTargetDeletionVectorsUpdated: 0,
    numTargetDeletionVectorsRemoved: 0,
    numTargetFilesRemoved: 0,
    numTargetBytesRemoved: 0,
  };
  for (const row of grouped) {
    const index = Number(row.__idx);
    const file = candidates[index] as AddFile;
    const positions = (row.positions as unknown[]).map(Number);
    // Distinct rows, for the count below; the encoder sorts them once.
    const union = [...new Set([...(deletedRows[index] ?? []), ...positions])];
    const numRecords = await countFileRows(effects, snapshot, file);
    actions.push({ remove: buildRemoveAction(file, now, true) });
    if (union.length >= numRecords) {
      metrics.numTargetFilesRemoved += 1;
      metrics.numTargetBytesRemoved += file.size;
      if (file.deletionVector) metrics.numTargetDeletionVectorsRemoved += 1;
      continue;
    }
    if (file.deletionVector) metrics.numTargetDeletionVectorsUpdated += 1;
    else metrics.numTargetDeletionVectorsAdded += 1;
    updates.push({ file, rows: union, numRecords });
  }
  const written = await writeDeletionVectors(
    effects.storage,
    snapshot.tableRoot,
    updates.map((update) => update.rows),
  );
  updates.forEach((update, i) => {
    const descriptor = written.descriptors[i];
    if (descriptor) actions.push({ add: buildDeletionVectorAdd(update.file, descriptor, update.numRecords) });
  });
  return { actions, metrics, ...(written.filePath ? { dvFilePath: written.filePath } : {}) };
}
