// The MySQL sync alone as a worker job (the scheduler's `sync.run`): target = a pipeline name; every table of it
// with a sync target is brought up to its latest Delta version. Lineage: Delta tables in, MySQL tables out, each
// table's sync also as a step run (step-reporter.ts).

import { hostname } from 'node:os';
import { createDuckDbSession } from '../engine/duckdb-session';
import {
  describeDeltaTable,
  describeMySqlTargets,
  withAssertions,
  type RunLineage,
} from './describe-lineage';
import { PipelineError } from '../definition/errors';
import { ProgressTracker, withResults, type JobContext, type RunResults } from './job-context';
import { loadDefinition } from '../definition/load-definition';
import type { PipelineJobDeps } from './pipeline-job';
import { StepReporter } from './step-reporter';
import { tablesToSync, type TableSyncRun } from './sync-pipeline';
import { mysqlOutputs, runSyncStage, syncCheckResults, throwIfSyncFailed } from './sync-stage';

export interface SyncJobResult {
  syncs: TableSyncRun[];
  lineage: RunLineage;
  results: RunResults;
}

export function createSyncJobRunner(deps: Omit<PipelineJobDeps, 'env' | 'mysqlUrl'> & { mysqlUrl: string }) {
  return async (context: JobContext): Promise<SyncJobResult> => {
    const definition = await loadDefinition(deps.resolveDefinitionPath(context.target));
    const tables = tablesToSync(definition);
    if (tables.length === 0) {
      throw Object.assign(
        new PipelineError('SYNC_FAILED', `Pipeline ${definition.name} has no table with a sync target`),
        { retryable: false },
      );
    }
    const host = hostname();
    const inputs = tables.map((table) => describeDeltaTable(deps.storage.rootUrl, host, table.target));
    context.declareLineage?.({
      inputs,
      outputs: describeMySqlTargets(definition, deps.mysqlUrl),
      linkedBySteps: context.reportStep !== undefined,
    });
    const steps = new StepReporter(context, definition, { lakeRootUrl: deps.storage.rootUrl, host });
    const tracker = new ProgressTracker(context);
    await tracker.stage('sync', { tables: tables.length });
    const duckdb = await createDuckDbSession({ signal: context.signal });
    try {
      const syncs = await runSyncStage({ ...deps, duckdb }, context, definition, { steps, tracker });
      const lineage: RunLineage = {
        inputs: tables.map((table) => {
          const run = syncs.find((candidate) => candidate.table === table.name);
          const delta = describeDeltaTable(deps.storage.rootUrl, host, table.target, run?.result?.version);
          return withAssertions(delta, run?.checks);
        }),
        outputs: mysqlOutputs(deps.mysqlUrl, syncs),
      };
      context.declareLineage?.(lineage);
      const results: RunResults = { quality: syncCheckResults(syncs) };
      try {
        throwIfSyncFailed(syncs, `MySQL sync of ${definition.name} failed`);
      } catch (error) {
        throw withResults(error as Error, results);
      }
      await tracker.stage('done');
      return { syncs, lineage, results };
    } finally {
      duckdb.close();
    }
  };
}
