// Reconcile as a worker job (the scheduler's `pipeline.reconcile`, weekly by default, or an admin's button with
// or without repair): target = a pipeline name. It runs under the pipeline's own lock (executeRun's lock per
// target), so no pipeline run commits while it compares. Per table the figures go into the run's progress
// (`<table>.differingKeys`, …) and the differing keys into its log; a repaired table is then synced into MySQL
// here (the sync is version-based, so it carries the repair commit). The run fails when a table could not be
// reconciled, or when keys differ and were not repaired, so a difference is never a quiet success; the results
// travel on the error (`error.results.reconcile`, issue 14 contract #4) and on the result.

import { hostname } from 'node:os';
import { createDuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import type { Env } from '../definition/open-source';
import { PipelineError } from '../definition/errors';
import { loadDefinition } from '../definition/load-definition';
import { reconcilePipeline } from '../reconcile/reconcile-pipeline';
import {
  describeReconcileResult,
  reconcileProgress,
  type ReconcileTableResult,
} from '../reconcile/reconcile-result';
import { createMySqlConnector, type ConnectMySql } from '../sync/index';
import { describeDeltaTable, type RunLineage } from './describe-lineage';
import { ProgressTracker, type JobContext } from './job-context';
import { pipelineRunId } from './pipeline-job';
import { throwIfSyncFailed } from './sync-stage';
import { syncPipelineTables, type TableSyncRun } from './sync-pipeline';
import { logCleanupFailure } from '../support/cleanup';

export interface ReconcileJobDeps {
  storage: LakeStorage;
  env: Env;
  resolveDefinitionPath(target: string): string;
  /** MySQL the repaired tables are synced into; null leaves that to the next run (said in the log). */
  mysqlUrl: string | null;
  connectMySql?: ConnectMySql;
}

export interface ReconcileJobResult {
  results: { reconcile: ReconcileTableResult[] };
  syncs: TableSyncRun[];
  /** The Delta tables a repair wrote, at their new versions. */
  lineage: RunLineage;
}

export function createReconcileJobRunner(deps: ReconcileJobDeps) {
  return async (context: JobContext): Promise<ReconcileJobResult> => {
    const definition = await loadDefinition(deps.resolveDefinitionPath(context.target));
    const repair = context.repair === true;
    const tracker = new ProgressTracker(context);
    const log = (message: string) =>
      void context.log('info', message).catch(logCleanupFailure('run log line'));
    await tracker.stage('reconcile', { tables: definition.tables.length, repair });
    const duckdb = await createDuckDbSession({ signal: context.signal });
    try {
      const tables = await reconcilePipeline(
        { storage: deps.storage, duckdb, env: deps.env, signal: context.signal, log },
        definition,
        {
          repair,
          runId: `reconcile-${pipelineRunId(context)}`,
          onTable: async (result) => {
            await tracker.table(result.table, {}, reconcileProgress(result));
            const level = result.error || result.differingKeys > 0 ? 'warn' : 'info';
            for (const line of describeReconcileResult(result)) await context.log(level, line);
          },
        },
      );
      const repaired = tables.filter((table) => table.repair?.version != null).map((table) => table.table);
      let syncs: TableSyncRun[] = [];
      if (repaired.length > 0 && deps.mysqlUrl === null) {
        await context.log(
          'warn',
          'MySQL sync skipped: no MySQL target; the next pipeline run syncs the repair',
        );
      } else if (repaired.length > 0 && deps.mysqlUrl !== null) {
        await tracker.stage('sync');
        syncs = await syncPipelineTables(
          {
            storage: deps.storage,
            duckdb,
            connect: deps.connectMySql ?? createMySqlConnector(deps.mysqlUrl),
            log,
            signal: context.signal,
          },
          definition,
          { tables: repaired },
        );
      }
      const results = { reconcile: tables };
      const fail = (error: Error): never => {
        throw Object.assign(error, { results });
      };
      const failed = tables.filter((table) => table.error);
      if (failed.length > 0) {
        fail(
          new PipelineError(
            'RECONCILE_FAILED',
            `Reconcile of ${definition.name}: ${failed.map((table) => `${table.table}: ${table.error}`).join('; ')}`,
          ),
        );
      }
      try {
        throwIfSyncFailed(syncs, `Reconcile of ${definition.name}: Delta repaired, MySQL sync failed`);
      } catch (error) {
        fail(error as Error);
      }
      const differing = tables.filter((table) => table.differingKeys > 0 && !table.repair);
      if (differing.length > 0) {
        // A finding, not a fault: retrying would only find the same keys again.
        fail(
          Object.assign(
            new PipelineError(
              'RECONCILE_DIFFERENCES',
              `Delta differs from the source: ${differing.map((table) => `${table.table} ${table.differingKeys} keys`).join(', ')}; ` +
                'the keys are in the run log; start a reconcile with repair to fix them',
            ),
            { retryable: false },
          ),
        );
      }
      await tracker.stage('done', {
        differingKeys: tables.reduce((total, table) => total + table.differingKeys, 0),
      });
      const host = hostname();
      const outputs = tables
        .filter((table) => table.repair?.version != null)
        .map((table) =>
          describeDeltaTable(deps.storage.rootUrl, host, table.target, table.repair?.version ?? undefined),
        );
      return { results, syncs, lineage: { inputs: [], outputs } };
    } finally {
      duckdb.close();
    }
  };
}
