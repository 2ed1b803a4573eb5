// The real runners of the four job types, built from the configuration: the lake (LAKE_ROOT), the pipeline
// definitions (PIPELINES_DIR), MySQL (MYSQL_URL). The data plane's runners are typed structurally; this is where
// they meet the scheduler's RunContext.

import path from 'node:path';
import { openLakeStorage } from '@/pipelines/lake/open-lake-storage';
import { PIPELINE_NAME } from '@/pipelines/definition/definition-schema';
import { resolveDefinitionName } from '@/pipelines/definition/definitions-dir';
import { createMaintenanceJobRunner } from '@/pipelines/runner/maintenance-job';
import { createPipelineJobRunner } from '@/pipelines/runner/pipeline-job';
import { createReconcileJobRunner } from '@/pipelines/runner/reconcile-job';
import { createSyncJobRunner } from '@/pipelines/runner/sync-job';
import type { Env } from '../config/env';
import { createNotebookJobRunner, type DeliverRun } from '../notebook-runs/notebook-job';
import { notBuiltRunner, PermanentRunError, type JobRunners } from './runner-types';

export interface PipelineRunnersOptions {
  env: Pick<Env, 'LAKE_ROOT' | 'PIPELINES_DIR' | 'MYSQL_URL' | 'DEMO_SOURCE_URL'> &
    Partial<Pick<Env, 'NOTEBOOKS_DIR' | 'NOTEBOOK_RUN_TIMEOUT_MS' | 'NOTEBOOK_RUN_MAX_RESULT_BYTES'>>;
  /** The process environment, where definitions' credential variables (urlEnv, passwordEnv…) are read. */
  processEnv?: Record<string, string | undefined>;
  /** Vacuum retention of the maintenance job (default 7 days; never below a table's own). */
  retentionHours?: number;
  /** Where a scheduled notebook's results go after each run (delivery's deliverNotebookRun); default none. */
  deliverNotebookRun?: DeliverRun;
}

export function createPipelineRunners(options: PipelineRunnersOptions): JobRunners {
  const { env } = options;
  const storage = openLakeStorage(env.LAKE_ROOT);
  // A schedule's target names a pipeline in PIPELINES_DIR, never a file path: an admin's schedule must not make the
  // worker load an arbitrary file (the CLI, run by whoever owns the machine, also takes paths).
  const resolve = (target: string) => {
    if (!PIPELINE_NAME.test(target)) {
      throw new PermanentRunError(
        `"${target}" is not a pipeline name (lower-case letters, digits, "_" and "-"); define it in ${env.PIPELINES_DIR}`,
      );
    }
    return resolveDefinitionName(target, env.PIPELINES_DIR);
  };
  // DEMO_SOURCE_URL has a default in the configuration; the demo definition names it by variable, so the
  // configured value (default included) is what its urlEnv must find.
  const sourceEnv = { ...(options.processEnv ?? process.env), DEMO_SOURCE_URL: env.DEMO_SOURCE_URL };
  return {
    runPipeline: createPipelineJobRunner({
      storage,
      env: sourceEnv,
      mysqlUrl: env.MYSQL_URL,
      resolveDefinitionPath: resolve,
    }),
    runReconcile: createReconcileJobRunner({
      storage,
      env: sourceEnv,
      mysqlUrl: env.MYSQL_URL,
      resolveDefinitionPath: resolve,
    }),
    // Scheduled notebooks need the notebooks folder; a worker given none fails their runs plainly.
    runNotebook: env.NOTEBOOKS_DIR
      ? createNotebookJobRunner({
          storage,
          notebooksDir: path.resolve(env.NOTEBOOKS_DIR),
          limits: {
            ...(env.NOTEBOOK_RUN_TIMEOUT_MS ? { timeoutMs: env.NOTEBOOK_RUN_TIMEOUT_MS } : {}),
            ...(env.NOTEBOOK_RUN_MAX_RESULT_BYTES
              ? { maxResultBytes: env.NOTEBOOK_RUN_MAX_RESULT_BYTES }
              : {}),
          },
          ...(options.deliverNotebookRun ? { deliver: options.deliverNotebookRun } : {}),
        })
      : notBuiltRunner('The scheduled notebook runner (no NOTEBOOKS_DIR given)'),
    runSync: createSyncJobRunner({ storage, mysqlUrl: env.MYSQL_URL, resolveDefinitionPath: resolve }),
    runMaintenance: createMaintenanceJobRunner({
      storage,
      resolveDefinitionPath: resolve,
      ...(options.retentionHours !== undefined
        ? { options: { retentionHours: options.retentionHours } }
        : {}),
    }),
  };
}
