// The sync stage of a pipeline: every table with a `sync` target is brought into MySQL from its Delta table
// (pipelines/sync: incremental from the last synced version, exactly once, idempotent when rerun). Key = the
// sync's own key or the table's primary key; indexes from the definition. One table failing does not stop the
// others; the caller decides what a failure means for the run.

import type { DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { describeError, syncTable, type ConnectMySql, type SyncResult } from '../sync/index';
import type { PipelineDefinition, TableDefinition } from '../definition/load-definition';
import {
  blockingFailures,
  isQualityCheckError,
  QualityCheckError,
  type CheckResult,
} from '../quality/check-result';
import { checkSnapshot } from './snapshot-checks';

export interface SyncPipelineEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  connect: ConnectMySql;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface TableSyncRun {
  table: string;
  mysqlTable: string;
  result?: SyncResult;
  error?: Error;
  /** The snapshot's quality checks, evaluated before syncing; an `error` one failing leaves MySQL unsynced. */
  checks?: CheckResult[];
}

export type SyncedTable = TableDefinition & { sync: NonNullable<TableDefinition['sync']> };

export function tablesToSync(definition: PipelineDefinition, only?: string[]): SyncedTable[] {
  return definition.tables.filter(
    (table): table is SyncedTable => table.sync !== undefined && (!only || only.includes(table.name)),
  );
}

export async function syncPipelineTables(
  effects: SyncPipelineEffects,
  definition: PipelineDefinition,
  options: { tables?: string[]; onTable?: (run: TableSyncRun) => Promise<void> | void } = {},
): Promise<TableSyncRun[]> {
  const runs: TableSyncRun[] = [];
  for (const table of tablesToSync(definition, options.tables)) {
    effects.signal?.throwIfAborted();
    const mysqlTable = table.sync.table;
    let run: TableSyncRun;
    let checks: CheckResult[] = [];
    try {
      checks = await checkSnapshot(effects, table);
      if (blockingFailures(checks).length > 0) {
        throw new QualityCheckError(
          table.name,
          'the Delta snapshot failed its checks, so MySQL was not synced and keeps its previous version',
          checks,
        );
      }
      const result = await syncTable(
        {
          storage: effects.storage,
          duckdb: effects.duckdb,
          connect: effects.connect,
          ...(effects.log ? { log: effects.log } : {}),
          ...(effects.signal ? { signal: effects.signal } : {}),
        },
        {
          tableRoot: table.target,
          mysqlTable,
          keyColumns: table.sync.key ?? table.primaryKey,
          indexes: table.sync.indexes,
          freshnessLimitSeconds: Math.round(table.freshnessMs / 1000),
        },
      );
      effects.log?.(
        `${table.name} → MySQL ${mysqlTable}: ${result.mode} sync v${result.fromVersion ?? '-'} → v${result.version}, ` +
          `${result.rowsUpserted} upserted, ${result.rowsDeleted} deleted`,
      );
      run = { table: table.name, mysqlTable, result, ...(checks.length ? { checks } : {}) };
    } catch (error) {
      // A timeout or cancel ends the stage; the other tables are not started.
      if (effects.signal?.aborted) throw error;
      // A failed check already names the table and what happened to MySQL, and keeps its code.
      const wrapped = isQualityCheckError(error)
        ? error
        : new Error(`${table.name} → MySQL ${mysqlTable}: ${describeError(error)}`, { cause: error });
      effects.log?.(`${wrapped.message}`);
      run = { table: table.name, mysqlTable, error: wrapped, ...(checks.length ? { checks } : {}) };
    }
    runs.push(run);
    await options.onTable?.(run);
  }
  return runs;
}
