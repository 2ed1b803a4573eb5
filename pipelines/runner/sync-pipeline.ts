// The sync stage of a pipeline: every table with a `sync` target is brought into MySQL from its Delta table
// (pipelines/sync: incremental from the last synced version, exactly once, idempotent when rerun). Key = the
// sync's own key or the table's primary key; indexes from the definition. One table failing does not stop the
// others; the caller decides what a failure means for the run. Tables are independent (own MySQL table, own lock,
// own state row), so up to `concurrency` of them sync at once, each on its own DuckDB session and MySQL connection:
// a full load is one MariaDB thread parsing CSV beside one DuckDB export, and two tables keep both cores busy.

import { loadSnapshot } from '../delta/snapshot';
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
  /**
   * Opens another DuckDB session for a table synced beside the first (closed when its tables are done); without it
   * tables sync one after another on `duckdb`.
   */
  openDuckDb?: () => Promise<DuckDbSession>;
}

/**
 * Tables synced at once when the caller does not say. One: on the 2-core machine, shared with other work, two full
 * loads side by side took as long as one after the other (MariaDB's LOAD DATA is CPU-bound, ~10 s of server CPU
 * per million demo rows) and cost ~25 s more of this process's CPU (test/bench/fullrun.bench.ts with
 * FULLRUN_SYNC_CONCURRENCY=1 vs 2). More cores or a separate MySQL host is where 2 or more pays.
 */
export const DEFAULT_SYNC_CONCURRENCY = 1;

export interface TableSyncRun {
  table: string;
  mysqlTable: string;
  result?: SyncResult;
  error?: Error;
  /** The snapshot's quality checks, evaluated before syncing; an `error` one failing leaves MySQL unsynced. */
  checks?: CheckResult[];
  /** When this table's sync began (tables may sync side by side, so a stage's start is not each table's). */
  startedAt?: Date;
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
  options: {
    tables?: string[];
    onTable?: (run: TableSyncRun) => Promise<void> | void;
    /** At most this many tables at once (1 unless `effects.openDuckDb` can open more sessions). */
    concurrency?: number;
  } = {},
): Promise<TableSyncRun[]> {
  const tables = tablesToSync(definition, options.tables);
  const runs: (TableSyncRun | undefined)[] = new Array<TableSyncRun | undefined>(tables.length);
  const slots = effects.openDuckDb
    ? Math.max(1, Math.min(options.concurrency ?? DEFAULT_SYNC_CONCURRENCY, tables.length))
    : 1;
  const order = slots > 1 ? await orderLargestFirst(effects, tables) : tables.map((_, index) => index);
  let next = 0;
  // Each slot takes the next table until none is left; slot 0 uses the caller's session, the others their own.
  const work = async (slot: number): Promise<void> => {
    if (next >= order.length) return;
    const duckdb = slot === 0 ? effects.duckdb : await (effects.openDuckDb as () => Promise<DuckDbSession>)();
    try {
      while (next < order.length) {
        const index = order[next] as number;
        next += 1;
        const run = await syncOneTable({ ...effects, duckdb }, tables[index] as SyncedTable);
        runs[index] = run;
        await options.onTable?.(run);
      }
    } finally {
      if (slot !== 0) duckdb.close();
    }
  };
  // Every slot settles before the stage returns or throws: no session is closed under a running query.
  const settled = await Promise.allSettled(Array.from({ length: slots }, (_, slot) => work(slot)));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return runs.filter((run): run is TableSyncRun => run !== undefined);
}

/**
 * Table indexes, the largest Delta table first (by bytes of its current files): the long syncs start at once and
 * the short ones fill the other slot, so the stage does not end with one large table syncing alone. A table whose
 * snapshot cannot be read goes last (its sync reports why).
 */
async function orderLargestFirst(effects: SyncPipelineEffects, tables: SyncedTable[]): Promise<number[]> {
  const sizes = await Promise.all(
    tables.map((table) =>
      loadSnapshot(effects, table.target).then(
        (snapshot) => snapshot.files.reduce((total, file) => total + file.size, 0),
        () => -1,
      ),
    ),
  );
  return tables.map((_, index) => index).sort((a, b) => (sizes[b] as number) - (sizes[a] as number));
}

async function syncOneTable(effects: SyncPipelineEffects, table: SyncedTable): Promise<TableSyncRun> {
  // A timeout or cancel ends the stage; the other tables are not started.
  effects.signal?.throwIfAborted();
  const startedAt = new Date();
  const mysqlTable = table.sync.table;
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
    return { table: table.name, mysqlTable, result, startedAt, ...(checks.length ? { checks } : {}) };
  } catch (error) {
    // A timeout or cancel ends the stage; the other tables are not started.
    if (effects.signal?.aborted) throw error;
    // A failed check already names the table and what happened to MySQL, and keeps its code.
    const wrapped = isQualityCheckError(error)
      ? error
      : new Error(`${table.name} → MySQL ${mysqlTable}: ${describeError(error)}`, { cause: error });
    effects.log?.(`${wrapped.message}`);
    return { table: table.name, mysqlTable, error: wrapped, startedAt, ...(checks.length ? { checks } : {}) };
  }
}
