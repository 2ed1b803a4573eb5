// Delta maintenance as a worker job (the scheduler's `delta.maintenance`): target = a pipeline name. Reports
// per table what it did, in the run's progress and log; lineage names each Delta table at its new version.

import { hostname } from 'node:os';
import { createDuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { describeDeltaTable, type RunLineage } from './describe-lineage';
import { ProgressTracker, type JobContext } from './job-context';
import { loadDefinition } from '../definition/load-definition';
import { maintainPipelineTables, type MaintenanceOptions, type TableMaintenance } from './maintain-pipeline';
import { logCleanupFailure } from '../support/cleanup';

export interface MaintenanceJobDeps {
  storage: LakeStorage;
  resolveDefinitionPath(target: string): string;
  options?: Pick<MaintenanceOptions, 'retentionHours' | 'targetFileSize'>;
  /** Milliseconds since the epoch; the retention is counted back from it (tests move it forward). */
  clock?: () => number;
}

export interface MaintenanceJobResult {
  tables: TableMaintenance[];
  lineage: RunLineage;
}

export function createMaintenanceJobRunner(deps: MaintenanceJobDeps) {
  return async (context: JobContext): Promise<MaintenanceJobResult> => {
    const definition = await loadDefinition(deps.resolveDefinitionPath(context.target));
    const host = hostname();
    context.declareLineage?.({
      inputs: [],
      outputs: definition.tables.map((t) => describeDeltaTable(deps.storage.rootUrl, host, t.target)),
    });
    const tracker = new ProgressTracker(context);
    await tracker.stage('maintenance', { tables: definition.tables.length });
    const duckdb = await createDuckDbSession({ signal: context.signal });
    try {
      const tables = await maintainPipelineTables(
        {
          storage: deps.storage,
          duckdb,
          ...(deps.clock ? { clock: deps.clock } : {}),
          signal: context.signal,
          log: (message) => void context.log('info', message).catch(logCleanupFailure('run log line')),
        },
        definition,
        {
          ...deps.options,
          onTable: (report) =>
            tracker.table(
              report.table,
              {},
              {
                filesCompacted: report.filesCompacted,
                checkpointVersion: report.checkpointVersion,
                filesVacuumed: report.filesVacuumed,
                bytesVacuumed: report.bytesVacuumed,
                retentionHours: report.retentionHours,
              },
            ),
        },
      );
      const done = tables.filter((report) => report.exists);
      await tracker.stage('done', {
        filesCompacted: done.reduce((total, report) => total + report.filesCompacted, 0),
        filesVacuumed: done.reduce((total, report) => total + report.filesVacuumed, 0),
        checkpoints: done.length,
      });
      return {
        tables,
        lineage: {
          inputs: [],
          outputs: done.map((report) =>
            describeDeltaTable(deps.storage.rootUrl, host, report.target, report.version ?? undefined),
          ),
        },
      };
    } finally {
      duckdb.close();
    }
  };
}
