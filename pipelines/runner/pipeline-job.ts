// The pipeline run as a worker job: what server/scheduler's `pipeline.run` job type calls. Typed structurally
// (pipelines/ never imports server/): any context with a run id, a target (the pipeline name or file), an abort
// signal and a logger fits, which the scheduler's RunContext does. The worker's run id becomes the pipeline's
// run id, so a retried job reuses finished extracts and never applies a run twice.

import { hostname } from 'node:os';
import { createDuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { resolveConnectionUrl, type Env } from '../sources/open-source';
import { describeRunLineage, type RunLineage } from './describe-lineage';
import { loadDefinition } from './load-definition';
import { runPipeline, type PipelineRunResult } from './run-pipeline';
import { PipelineError } from './errors';

export interface PipelineJobContext {
  runId: string;
  /** Pipeline definition file, or a name resolved by `resolveDefinitionPath`. */
  target: string;
  signal: AbortSignal;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): Promise<void>;
}

export interface PipelineJobDeps {
  storage: LakeStorage;
  env: Env;
  /** Target → definition file path. */
  resolveDefinitionPath(target: string): string;
}

export interface PipelineJobResult extends PipelineRunResult {
  /** Source tables read, raw Parquet and Delta versions written: the COMPLETE lineage event's datasets. */
  lineage: RunLineage;
}

/** A job runner: runs the pipeline; throws (so the worker retries / records FAIL) when any table failed. */
export function createPipelineJobRunner(deps: PipelineJobDeps) {
  return async (context: PipelineJobContext): Promise<PipelineJobResult> => {
    const definition = await loadDefinition(deps.resolveDefinitionPath(context.target));
    const duckdb = await createDuckDbSession();
    try {
      const result = await runPipeline(
        {
          storage: deps.storage,
          duckdb,
          env: deps.env,
          signal: context.signal,
          log: (message) => void context.log('info', message),
        },
        definition,
        { runId: context.runId.replace(/[^A-Za-z0-9_.-]/g, '-') },
      );
      if (!result.ok) {
        const failed = result.tables.filter((table) => table.error);
        throw new PipelineError(
          'APPLY_FAILED',
          `Pipeline ${definition.name}: ${failed.map((table) => `${table.table}: ${table.error?.message}`).join('; ')}`,
          { cause: failed[0]?.error },
        );
      }
      const lineage = describeRunLineage(definition, result, {
        sourceUrl: resolveConnectionUrl(definition.source.connection, deps.env),
        lakeRootUrl: deps.storage.rootUrl,
        host: hostname(),
      });
      return { ...result, lineage };
    } finally {
      duckdb.close();
    }
  };
}
