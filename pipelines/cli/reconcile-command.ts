// `pipeline reconcile`: compares each table with the source and prints the differing keys (the first 100 and the
// count of all); with --repair re-extracts them into Delta, then syncs the repaired tables into MySQL (the sync
// is version-based, so it carries the repair commit like any other) unless --no-sync. Exit code: 0 when every
// table matches (or was repaired), 1 when keys differ without --repair or a table failed.

import type { DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import type { PipelineDefinition } from '../definition/load-definition';
import type { Env } from '../definition/open-source';
import { reconcilePipeline } from '../reconcile/reconcile-pipeline';
import { describeReconcileResult } from '../reconcile/reconcile-result';
import { syncPipelineTables } from '../runner/sync-pipeline';
import { createMySqlConnector } from '../sync/index';
import { formatSync, type CliIo } from './pipeline';

export interface ReconcileCommandOptions {
  runId: string;
  repair: boolean;
  sync: boolean;
  json: boolean;
  mysqlUrl: string;
  tables?: string[];
}

export async function reconcileCommand(
  effects: { storage: LakeStorage; duckdb: DuckDbSession; env: Env },
  definition: PipelineDefinition,
  io: CliIo,
  options: ReconcileCommandOptions,
): Promise<number> {
  const log = (message: string): void => {
    io.stderr.write(`[${new Date().toISOString()}] ${message}\n`);
  };
  const started = Date.now();
  const results = await reconcilePipeline({ ...effects, log }, definition, {
    runId: options.runId,
    repair: options.repair,
    ...(options.tables ? { tables: options.tables } : {}),
  });
  const repaired = results.filter((result) => result.repair && result.repair.version !== null);
  const syncs =
    options.sync && repaired.length > 0
      ? await syncPipelineTables(
          { ...effects, connect: createMySqlConnector(options.mysqlUrl), log },
          definition,
          { tables: repaired.map((result) => result.table) },
        )
      : [];
  const failed = results.some((result) => result.error) || syncs.some((run) => run.error);
  const differs = results.some((result) => result.differingKeys > 0 && !result.repair);
  if (options.json) io.stdout.write(`${JSON.stringify({ tables: results, syncs }, null, 2)}\n`);
  else {
    for (const result of results)
      for (const line of describeReconcileResult(result)) io.stdout.write(`${line}\n`);
    for (const run of syncs) io.stdout.write(formatSync(run));
    if (repaired.length > 0 && !options.sync)
      io.stdout.write('MySQL sync skipped (--no-sync): the next run or `npm run sync` carries the repair\n');
    io.stdout.write(`reconcile: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return failed || differs ? 1 : 0;
}
