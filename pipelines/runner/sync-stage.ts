// The MySQL sync stage as a job runs it, after apply in `pipeline.run` or alone in `sync.run`: every table with a
// sync target synced (sync-pipeline.ts), each reported as it finishes, as progress (rows synced, synced version)
// and as a lineage step; then the MySQL tables written, as lineage outputs, and a failure for the tables that
// did not sync.

import { createDuckDbSession, type DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { createMySqlConnector, type ConnectMySql } from '../sync/index';
import { describeMySqlTable } from './describe-lineage';
import { PipelineError } from '../definition/errors';
import type { JobContext, ProgressTracker } from './job-context';
import type { PipelineDefinition } from '../definition/load-definition';
import { isQualityCheckError, type CheckResult } from '../quality/check-result';
import type { StepReporter } from './step-reporter';
import { syncPipelineTables, type TableSyncRun } from './sync-pipeline';
import { logCleanupFailure } from '../support/cleanup';

export interface SyncStageDeps {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  mysqlUrl: string;
  /** Opens MySQL connections; from mysqlUrl when absent. */
  connectMySql?: ConnectMySql;
  /** Tables synced at once (sync-pipeline.ts DEFAULT_SYNC_CONCURRENCY when absent). */
  concurrency?: number;
}

export async function runSyncStage(
  deps: SyncStageDeps,
  context: JobContext,
  definition: PipelineDefinition,
  report: { steps: StepReporter; tracker: ProgressTracker },
  /** Only these tables (a pipeline run leaves out the tables its checks stopped); all when absent. */
  only?: string[],
): Promise<TableSyncRun[]> {
  return syncPipelineTables(
    {
      storage: deps.storage,
      duckdb: deps.duckdb,
      connect: deps.connectMySql ?? createMySqlConnector(deps.mysqlUrl),
      log: (message) => void context.log('info', message).catch(logCleanupFailure('run log line')),
      signal: context.signal,
      // Tables synced beside the first get their own session, capped and stopped like the run's, on one thread
      // each so side-by-side syncs do not oversubscribe the cores.
      openDuckDb: () => createDuckDbSession({ signal: context.signal, threads: 1 }),
    },
    definition,
    {
      ...(only ? { tables: only } : {}),
      ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
      onTable: async (run) => {
        await report.steps.synced(run, deps.mysqlUrl);
        if (!run.result) return;
        const rows = run.result.rowsUpserted + run.result.rowsDeleted;
        await report.tracker.table(run.table, { rowsSynced: rows }, { syncedVersion: run.result.version });
      },
    },
  );
}

/** The MySQL tables a sync wrote, as lineage outputs (version = the Delta version they now equal). */
export function mysqlOutputs(mysqlUrl: string, syncs: TableSyncRun[]) {
  return syncs
    .filter((run) => run.result)
    .map((run) =>
      describeMySqlTable(mysqlUrl, run.mysqlTable, {
        version: run.result!.version,
        rows: run.result!.rowsUpserted,
      }),
    );
}

/**
 * SYNC_FAILED naming every table that did not sync, after `what` ("MySQL sync of county-ops failed");
 * QUALITY_CHECK_FAILED when every one of them was held back by its snapshot's checks.
 */
export function throwIfSyncFailed(syncs: TableSyncRun[], what: string): void {
  const failed = syncs.filter((run) => run.error);
  if (failed.length === 0) return;
  const code = failed.every((run) => isQualityCheckError(run.error)) ? 'QUALITY_CHECK_FAILED' : 'SYNC_FAILED';
  throw new PipelineError(code, `${what}: ${failed.map((run) => run.error?.message).join('; ')}`, {
    cause: failed[0]?.error,
  });
}

/** Every quality result of the sync stage (the snapshots' checks). */
export function syncCheckResults(syncs: TableSyncRun[]): CheckResult[] {
  return syncs.flatMap((run) => run.checks ?? []);
}
