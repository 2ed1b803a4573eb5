// Repairs the keys a comparison found: re-extracts exactly those rows from the source (in the comparison's cut)
// and merges them into the Delta table, deleting the keys the source no longer has, in ONE commit. The commit is
// not a pipeline run: it carries commitInfo.pipelineRepair and the txn appId <pipeline>/<table>/repair (issue 14
// contract #1), so the next run still plans from the last run's watermark and run sequence. Zero keys: nothing is
// written. The re-extracted rows land in raw/<source>/<table>/<repair run id>/ like a run's extract.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toSqlString } from '../engine/duckdb-session';
import { materializeLakeFiles } from '../engine/local-files';
import { planScan } from '../delta/scan';
import { loadSnapshot } from '../delta/snapshot';
import { merge, type WriteEffects } from '../delta/write';
import { nextRepairSequence } from '../cdc/apply-repair';
import { getRepairAppId, REPAIR_INFO_KEY, type RepairInfo } from '../definition/commit-info-keys';
import type { TableDefinition } from '../definition/load-definition';
import { ParquetChunkWriter } from '../cdc/parquet-chunks';
import { getRawRunDir } from '../cdc/raw-manifest';
import { buildRowText, type ChecksumColumn } from '../sources/checksum-sql';
import type { SourceColumn, SourceSession } from '../sources/source';
import { duckdbChecksumDialect } from './duckdb-checksum';
import type { ComparedKey } from './compare-table';

/** Keys per re-extract query (Oracle's IN list takes at most 1,000). */
const KEYS_PER_READ = 1_000;
const DELETE_FLAG = '__pipeline_deleted';

export interface RepairInput {
  pipeline: string;
  source: string;
  table: TableDefinition;
  runId: string;
  keys: ComparedKey[];
  keyColumns: ChecksumColumn[];
  sourceColumns: SourceColumn[];
}

export interface RepairOutcome {
  /** Delta version written; null when there was nothing to repair. */
  version: number | null;
  rowsReextracted: number;
  rowsDeleted: number;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function repairTable(
  effects: WriteEffects,
  session: SourceSession,
  input: RepairInput,
): Promise<RepairOutcome> {
  const reextract = input.keys.filter((key) => key.issue !== 'missing_in_source');
  const deletes = input.keys.filter((key) => key.issue === 'missing_in_source').map((key) => key.key);
  if (reextract.length === 0 && deletes.length === 0)
    return { version: null, rowsReextracted: 0, rowsDeleted: 0 };
  const { table } = input;
  const ref = { ...(table.schema ? { schema: table.schema } : {}), name: table.name };
  const scratch = await mkdtemp(path.join(tmpdir(), `repair-${table.name}-`));
  try {
    const writer = new ParquetChunkWriter({
      storage: effects.storage,
      duckdb: effects.duckdb,
      tempDir: scratch,
      lakeDir: getRawRunDir(input.source, table.name, input.runId),
      prefix: 'repair',
      columns: input.sourceColumns,
      rowsPerFile: 100_000,
    });
    const keyNames = input.keyColumns.map((column) => (column.source as SourceColumn).name);
    try {
      for (let start = 0; start < reextract.length; start += KEYS_PER_READ) {
        const values = reextract.slice(start, start + KEYS_PER_READ).map((key) => key.sourceKey ?? []);
        for await (const batch of session.readRows({
          table: ref,
          columns: input.sourceColumns,
          keyIn: { columns: keyNames, values },
        }))
          await writer.writeBatch(batch);
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    const files = await writer.finish();
    const rowsReextracted = files.reduce((total, file) => total + file.rows, 0);
    const parts = await materializeLakeFiles(
      effects.storage,
      files.map((file) => file.path),
    );
    try {
      const snapshot = await loadSnapshot(effects, table.target);
      const appId = getRepairAppId(input.pipeline, table.name);
      const incoming = `SELECT *, false AS ${DELETE_FLAG} FROM read_parquet([${parts.paths.map(toSqlString).join(', ')}])`;
      let source = incoming;
      let release = async (): Promise<void> => {};
      if (deletes.length > 0) {
        const keyNamesInDelta = input.keyColumns.map((column) => column.name);
        const scan = await planScan(effects, snapshot, { columns: keyNamesInDelta });
        release = scan.release;
        const keyText = buildRowText(duckdbChecksumDialect(scan.sql), input.keyColumns);
        // Only key columns and the flag: UNION ALL BY NAME fills the others with NULL.
        source =
          `${incoming} UNION ALL BY NAME SELECT ${keyNamesInDelta.map(quote).join(', ')}, true AS ${DELETE_FLAG} ` +
          `FROM (${scan.sql}) AS delta_rows WHERE ${keyText} IN (${deletes.map(toSqlString).join(', ')})`;
      }
      const info: RepairInfo = {
        pipeline: input.pipeline,
        table: table.name,
        runId: input.runId,
        reason: 'reconcile',
        rows: rowsReextracted + deletes.length,
      };
      try {
        const result = await merge(effects, table.target, source, {
          keys: input.keyColumns.map((column) => column.name),
          deleteColumn: DELETE_FLAG,
          mergeSchema: true,
          txn: { appId, version: nextRepairSequence(snapshot, input.pipeline, table.name) },
          extraCommitInfo: { [REPAIR_INFO_KEY]: info },
        });
        return { version: result.version, rowsReextracted, rowsDeleted: deletes.length };
      } finally {
        await release();
      }
    } finally {
      await parts.release();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
