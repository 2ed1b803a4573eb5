// The MySQL sync alone as a worker job (the scheduler's `sync.run`): target = a pipeline name; every table of it
// with a sync target is brought up to its latest Delta version. Lineage: Delta tables in, MySQL tables out, each
// table's sync also as a step run (step-reporter.ts).

import { hostname } from 'node:os';
import { createDuckDbSession } from '../engine/duckdb-session';
import { describeDeltaTable, describeMySqlTargets, type RunLineage } from './describe-lineage';
import { PipelineError } from '../definition/errors';
import { ProgressTracker, type JobContext } from './job-context';
import { loadDefinition } from '../definition/load-definition';
import type { PipelineJobDeps } from './pipeline-job';
import { StepReporter } from './step-reporter';
import { tablesToSync, type TableSyncRun } from './sync-pipeline';
import { mysqlOutputs, runSyncStage, throwIfSyncFailed } from './sync-stage';

export interface SyncJobResult {
  syncs: TableSyncRun[];
  lineage: RunLineage;
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
          const synced = syncs.find((run) => run.table === table.name)?.result;
          return describeDeltaTable(deps.storage.rootUrl, host, table.target, synced?.version);
        }),
        outputs: mysqlOutputs(deps.mysqlUrl, syncs),
      };
      context.declareLineage?.(lineage);
      throwIfSyncFailed(syncs, `MySQL sync of ${definition.name} failed`);
      await tracker.stage('done');
      return { syncs, lineage };
    } finally {
      duckdb.close();
    }
  };
}
