// The pipeline run as a worker job (the scheduler's `pipeline.run`): extract → apply → sync. Typed structurally
// (job-context.ts), so the scheduler's RunContext fits without pipelines/ importing server/. The pipeline's run
// id is the FIRST attempt's run id, so a retry reuses finished extracts and its Delta commits find their txn
// already applied; the sync after them is idempotent, so a retry after a failed sync converges MySQL. Lineage: the
// run's own events name every dataset; each table's extract, apply and sync are also step runs that link them
// table by table (step-reporter.ts).

import { hostname } from 'node:os';
import { rawBytes } from '../cdc/raw-manifest';
import { createDuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { resolveConnectionUrl, type Env } from '../definition/open-source';
import type { ConnectMySql } from '../sync/index';
import {
  declarePipelineLineage,
  describeMySqlTargets,
  describeRunLineage,
  type RunLineage,
} from './describe-lineage';
import { PipelineError } from '../definition/errors';
import { ProgressTracker, withResults, type JobContext, type RunResults } from './job-context';
import { loadDefinition } from '../definition/load-definition';
import { canSyncAfter, runPipeline, type PipelineRunResult } from './run-pipeline';
import type { RepairRangeResult } from './repair-range';
import { describeRunOptions, runRangeRepair } from './run-options';
import { StepReporter } from './step-reporter';
import type { TableSyncRun } from './sync-pipeline';
import { mysqlOutputs, runSyncStage, syncCheckResults, throwIfSyncFailed } from './sync-stage';
import { logCleanupFailure } from '../support/cleanup';

export type PipelineJobContext = JobContext;

export interface PipelineJobDeps {
  storage: LakeStorage;
  /** Where the definitions' credential variables are read. */
  env: Env;
  /** Target → definition file path. */
  resolveDefinitionPath(target: string): string;
  /** MySQL the sync targets go to; null skips the sync stage (said in the run's log). */
  mysqlUrl: string | null;
  /** Opens MySQL connections; from mysqlUrl when absent. */
  connectMySql?: ConnectMySql;
  /** Tables the sync stage syncs at once (sync-pipeline.ts DEFAULT_SYNC_CONCURRENCY when absent). */
  syncConcurrency?: number;
}

export interface PipelineJobResult extends PipelineRunResult {
  /** A time-range re-extract's repair commit (its `tables` is then empty: no pipeline run was applied). */
  repair?: RepairRangeResult;
  syncs: TableSyncRun[];
  /** Source tables read, raw Parquet, Delta versions and MySQL tables written: the COMPLETE event's datasets. */
  lineage: RunLineage;
  /** The quality checks' results, stored with the run (also attached to the error when the run fails). */
  results: RunResults;
}

/** The pipeline's own run id: letters, digits, '.', '_' and '-' only (it names raw folders). */
export function pipelineRunId(context: Pick<JobContext, 'runId' | 'firstRunId'>): string {
  return (context.firstRunId ?? context.runId).replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** A job runner: runs the pipeline; throws (so the worker retries / records FAIL) when any table failed. */
export function createPipelineJobRunner(deps: PipelineJobDeps) {
  return async (context: JobContext): Promise<PipelineJobResult> => {
    const definition = await loadDefinition(deps.resolveDefinitionPath(context.target));
    const where = {
      sourceUrl: resolveConnectionUrl(definition.source.connection, deps.env),
      lakeRootUrl: deps.storage.rootUrl,
      host: hostname(),
    };
    context.declareLineage?.({
      ...declarePipelineLineage(definition, { ...where, mysqlUrl: deps.mysqlUrl }),
      linkedBySteps: context.reportStep !== undefined,
    });
    const steps = new StepReporter(context, definition, where);
    const tracker = new ProgressTracker(context);
    const log = (message: string) =>
      void context.log('info', message).catch(logCleanupFailure('run log line'));
    const options = context.options ?? {};
    const request = describeRunOptions(options);
    if (request.summary) await context.log('info', `${request.summary} requested`);
    await tracker.stage('extract', {
      tables: request.tables?.length ?? definition.tables.length,
      ...request.progress,
    });
    const duckdb = await createDuckDbSession({ signal: context.signal });
    try {
      const effects = { storage: deps.storage, duckdb, env: deps.env, signal: context.signal, log };
      const result: PipelineRunResult & { repair?: RepairRangeResult } = options.range
        ? await runRangeRepair(effects, definition, options.range, pipelineRunId(context), {
            steps,
            tracker,
          })
        : await runPipeline(
            {
              ...effects,
              onProgress: async (event) => {
                if (event.kind === 'applying') {
                  steps.restart();
                  return tracker.stage('apply');
                }
                if (event.kind === 'extracted') {
                  await steps.extracted(event.table, event.manifest, event.reused);
                  return tracker.table(event.table, {
                    rowsExtracted: event.manifest.rowCount,
                    files: event.manifest.files.length,
                    bytes: rawBytes(event.manifest),
                  });
                }
                await steps.applied(event.table, event.apply);
                return tracker.table(event.table, {}, { deltaVersion: event.apply.version });
              },
            },
            definition,
            {
              runId: pipelineRunId(context),
              ...(request.tables ? { tables: request.tables } : {}),
              ...(options.full ? { forceFull: true } : {}),
            },
          );
      for (const table of result.tables) if (table.error) await steps.applyFailed(table.table, table.error);
      const results: RunResults = { quality: result.tables.flatMap((table) => table.checks ?? []) };
      const committed = describeRunLineage(
        definition,
        result.repair
          ? {
              tables: [
                { table: result.repair.table, manifest: result.repair.manifest, apply: result.repair },
              ],
            }
          : result,
        where,
      );
      const failed = result.tables.filter((table) => table.error);
      const stopped = failed.map((table) => `${table.table}: ${table.error?.message}`).join('; ');
      // The FAIL event's source tables carry the checks that stopped them.
      if (failed.length > 0) context.declareLineage?.({ inputs: committed.inputs });
      if (!canSyncAfter(result)) {
        throw withResults(
          new PipelineError('APPLY_FAILED', `Pipeline ${definition.name}: ${stopped}`, {
            cause: failed[0]?.error,
          }),
          results,
        );
      }
      // MySQL tables are named before they are synced, so a FAIL event from here on names them next to the
      // Delta versions written; each is replaced by its synced description (version, rows) as it succeeds.
      const mysqlTables = deps.mysqlUrl ? describeMySqlTargets(definition, deps.mysqlUrl) : [];
      const lineage: RunLineage = {
        inputs: committed.inputs,
        outputs: [...committed.outputs, ...mysqlTables],
      };
      context.declareLineage?.(lineage);
      let syncs: TableSyncRun[] = [];
      if (deps.mysqlUrl === null) {
        await context.log('warn', 'MySQL sync skipped: no MySQL target for this run');
      } else {
        await tracker.stage('sync');
        steps.restart();
        syncs = await runSyncStage(
          {
            storage: deps.storage,
            duckdb,
            mysqlUrl: deps.mysqlUrl,
            ...(deps.connectMySql ? { connectMySql: deps.connectMySql } : {}),
            ...(deps.syncConcurrency ? { concurrency: deps.syncConcurrency } : {}),
          },
          context,
          definition,
          { steps, tracker },
          // A table stopped by its checks has nothing new to sync (and no Delta table at all on a first load).
          failed.length > 0
            ? definition.tables
                .map((table) => table.name)
                .filter((name) => !failed.some((f) => f.table === name))
            : undefined,
        );
        const synced = mysqlOutputs(deps.mysqlUrl, syncs);
        lineage.outputs = [
          ...committed.outputs,
          ...mysqlTables.map((table) => synced.find((done) => done.name === table.name) ?? table),
        ];
        context.declareLineage?.(lineage);
        results.quality = [...(results.quality ?? []), ...syncCheckResults(syncs)];
        try {
          throwIfSyncFailed(syncs, `Pipeline ${definition.name}: Delta committed, MySQL sync failed`);
        } catch (error) {
          // Tables stopped before their commit are named too: a sync failure must not hide them.
          if (failed.length > 0) (error as Error).message += `; stopped before the commit: ${stopped}`;
          throw withResults(error as Error, results);
        }
      }
      if (failed.length > 0) {
        // Only tables stopped by their checks: the others were committed (and synced); the run fails for its data.
        throw withResults(
          new PipelineError('QUALITY_CHECK_FAILED', `Pipeline ${definition.name}: ${stopped}`, {
            cause: failed[0]?.error,
          }),
          results,
        );
      }
      await tracker.stage('done');
      return { ...result, syncs, lineage, results };
    } finally {
      duckdb.close();
    }
  };
}
