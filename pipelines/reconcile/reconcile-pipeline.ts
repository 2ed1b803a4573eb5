// Reconcile a pipeline's tables with the source: one source session (one consistent cut) for every table, each
// compared with its latest Delta snapshot and, with `repair`, repaired in one commit per table. A table that
// fails is reported and the others still run. Called by the CLI (`pipeline reconcile`) and the worker's
// `pipeline.reconcile` job.

import type { DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { isDeltaError } from '../delta/errors';
import { loadSnapshot } from '../delta/snapshot';
import { findTable, type PipelineDefinition, type TableDefinition } from '../definition/load-definition';
import { openSourceSession, type Env } from '../definition/open-source';
import { SOURCE_DRIVERS } from '../sources/drivers';
import type { SourceSession } from '../sources/source';
import { compareTable, type TableComparison } from './compare-table';
import { SHOWN_KEYS, type ReconcileTableResult } from './reconcile-result';
import { repairTable, type RepairOutcome } from './repair-table';

export interface ReconcileEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  /** Where the definition's credential variables are read. */
  env: Env;
  log?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ReconcileOptions {
  /** Only these tables (names in the definition); all when absent. */
  tables?: string[];
  repair: boolean;
  /** Names the repair's raw folder and its commitInfo: letters, digits, '.', '_', '-'. */
  runId: string;
  /** Fixed chunk count (tests); from the row counts otherwise. */
  chunks?: number;
  onTable?: (result: ReconcileTableResult) => Promise<void> | void;
}

/** The table's result from its comparison and, after --repair, what the repair wrote. */
export function toReconcileTableResult(
  table: TableDefinition,
  deltaVersion: number,
  comparison: TableComparison,
  repair: RepairOutcome | null,
): ReconcileTableResult {
  const count = (issue: string) => comparison.keys.filter((key) => key.issue === issue).length;
  return {
    table: table.name,
    target: table.target,
    deltaVersion,
    sourceRows: comparison.sourceRows,
    deltaRows: comparison.deltaRows,
    chunks: comparison.chunks,
    differingChunks: comparison.differingChunks,
    missingInDelta: count('missing_in_delta'),
    missingInSource: count('missing_in_source'),
    different: count('different'),
    differingKeys: comparison.keys.length,
    keys: comparison.keys.slice(0, SHOWN_KEYS).map(({ key, issue }) => ({ key, issue })),
    columnsCompared: comparison.columns.map((column) => column.name),
    columnsSkipped: comparison.columnsSkipped,
    repair,
  };
}

function failedResult(table: TableDefinition, error: unknown): ReconcileTableResult {
  return {
    table: table.name,
    target: table.target,
    deltaVersion: null,
    sourceRows: 0,
    deltaRows: 0,
    chunks: 0,
    differingChunks: 0,
    missingInDelta: 0,
    missingInSource: 0,
    different: 0,
    differingKeys: 0,
    keys: [],
    columnsCompared: [],
    columnsSkipped: [],
    repair: null,
    error: isDeltaError(error, 'TABLE_NOT_FOUND')
      ? `no Delta table at ${table.target} yet: run the pipeline first`
      : error instanceof Error
        ? error.message
        : String(error),
  };
}

async function reconcileTable(
  effects: ReconcileEffects,
  session: SourceSession,
  definition: PipelineDefinition,
  table: TableDefinition,
  options: ReconcileOptions,
): Promise<ReconcileTableResult> {
  const snapshot = await loadSnapshot(effects, table.target);
  const ref = { ...(table.schema ? { schema: table.schema } : {}), name: table.name };
  const comparison = await compareTable(effects, session, {
    table,
    snapshot,
    sourceDialect: SOURCE_DRIVERS[definition.source.connection.kind].checksum(ref),
    ...(options.chunks ? { chunks: options.chunks } : {}),
  });
  effects.signal?.throwIfAborted();
  const repair = options.repair
    ? await repairTable(effects, session, {
        pipeline: definition.name,
        source: definition.source.name,
        table,
        runId: options.runId,
        keys: comparison.keys,
        keyColumns: comparison.keyColumns,
        sourceColumns: comparison.sourceColumns,
      })
    : null;
  return toReconcileTableResult(table, snapshot.version, comparison, repair);
}

export async function reconcilePipeline(
  effects: ReconcileEffects,
  definition: PipelineDefinition,
  options: ReconcileOptions,
): Promise<ReconcileTableResult[]> {
  const tables = options.tables
    ? options.tables.map((name) => findTable(definition, name))
    : definition.tables;
  const session = await openSourceSession(definition.source.connection, effects);
  const results: ReconcileTableResult[] = [];
  try {
    for (const table of tables) {
      effects.signal?.throwIfAborted();
      const started = Date.now();
      let result: ReconcileTableResult;
      try {
        result = await reconcileTable(effects, session, definition, table, options);
      } catch (error) {
        if (effects.signal?.aborted) throw error;
        result = failedResult(table, error);
      }
      effects.log?.(
        `${table.name}: reconciled in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          (result.error ? ` (failed: ${result.error})` : `, ${result.differingKeys} differing keys`),
      );
      results.push(result);
      await options.onTable?.(result);
    }
  } finally {
    await session.close();
  }
  return results;
}
