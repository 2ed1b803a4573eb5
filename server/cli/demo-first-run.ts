// The demo's first pipeline run goes through the worker like every later one, so it has a run record with
// per-stage progress, logs and lineage on the Pipelines and Lineage pages (a command-line run leaves neither).
// Before web and worker start, the demo creates the schedules from the definitions and queues one manual run of
// the pipeline when the lake lacks any of its tables; a watcher then prints how that run ends.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeltaError, listLogFiles } from '@/pipelines/delta';
import { openLakeStorage } from '@/pipelines/lake/open-lake-storage';
import { resolveDefinitionPath } from '@/pipelines/definition/definitions-dir';
import { loadDefinition } from '@/pipelines/definition/load-definition';
import { ApiError } from '../api/errors';
import type { Env } from '../config/env';
import { openSchedulerContext } from '../scheduler/open-scheduler-context';
import { schedulePipelines } from '../scheduler/pipeline-schedules';
import { runScheduleNow, type SchedulerContext } from '../scheduler/schedules';
import { openControlStore } from '../store/open-control-store';
import type { RunRecord } from '../store/types';
import { logCleanupFailure } from '@/pipelines/support/cleanup';

type Log = (line: string) => void;

async function withControlPlane<T>(env: Env, use: (ctx: SchedulerContext) => Promise<T>): Promise<T> {
  const ctx = await openSchedulerContext({
    controlDbUrl: env.CONTROL_DB_URL,
    timezone: env.SCHEDULE_TIMEZONE,
    name: `demo:${process.pid}`,
  });
  try {
    return await use(ctx);
  } finally {
    await ctx.close();
  }
}

/** Target tables of the pipeline that have no Delta log in the lake yet. */
export async function missingTables(env: Env, pipeline: string): Promise<string[]> {
  const definition = await loadDefinition(resolveDefinitionPath(pipeline, env.PIPELINES_DIR));
  const storage = openLakeStorage(env.LAKE_ROOT);
  const missing: string[] = [];
  for (const table of definition.tables) {
    // The reader's own test of a Delta table: a _delta_log holding at least one commit or checkpoint.
    await listLogFiles(storage, table.target).catch((error: unknown) => {
      if (!isDeltaError(error, 'TABLE_NOT_FOUND')) throw error;
      missing.push(table.target);
    });
  }
  return missing;
}

/** Schedules the definitions and queues the first run; true when a run was queued for the worker. */
export async function queueFirstRun(env: Env, pipeline: string, log: Log): Promise<boolean> {
  return withControlPlane(env, async (ctx) => {
    const scheduled = await schedulePipelines(ctx, env.PIPELINES_DIR, log);
    if (!scheduled.pipelines.includes(pipeline)) {
      throw new Error(`pipeline ${pipeline} is not defined in ${env.PIPELINES_DIR}`);
    }
    // The lake decides, not the run records: a control database kept while ./data was removed (or another
    // checkout's) must not leave this lake without its tables.
    const missing = await missingTables(env, pipeline);
    if (missing.length === 0) {
      log(`${pipeline}'s Delta tables are in the lake already; the worker runs it hourly`);
      return false;
    }
    try {
      await runScheduleNow(ctx, pipeline);
    } catch (error) {
      // A run left queued or running by an interrupted demo: the worker finishes that one instead.
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        log(error.message);
        return true;
      }
      throw error;
    }
    log(`first run of ${pipeline} queued: the worker starts it in a moment (watch it on the Pipelines page)`);
    return true;
  });
}

function describe(run: RunRecord): string {
  const p = run.progress;
  const rows = (n: unknown) => Number(n ?? 0).toLocaleString('en-US');
  if (run.status === 'succeeded') {
    return `${run.pipeline} run ${run.id} succeeded: ${rows(p.rowsExtracted)} rows extracted into Delta, ${rows(p.rowsSynced)} synced into MySQL`;
  }
  return `${run.pipeline} run ${run.id} ended ${run.status}${run.error ? `: ${run.error.message}` : ''}`;
}

/**
 * Prints how the first run of the pipeline started after `since` ends; stops quietly when the demo stops
 * (signal) or after `timeoutMs`. When the queued run was refused because another run of the pipeline was
 * active (a schedule's catch-up run, with a control database kept from an earlier demo), that run does the work,
 * so it is the one followed.
 */
export async function watchFirstRun(
  env: Env,
  pipeline: string,
  since: Date,
  log: Log,
  signal: AbortSignal,
  timeoutMs = 30 * 60_000,
  pollMs = 2_000,
): Promise<void> {
  const store = openControlStore(env.CONTROL_DB_URL);
  const deadline = Date.now() + timeoutMs;
  try {
    await store.init();
    let followingOther = false;
    while (!signal.aborted && Date.now() < deadline) {
      const runs = await store.listRuns({ pipeline, jobType: 'pipeline.run', limit: 10 });
      const refused = runs.find((run) => run.startedAt >= since && run.error?.code === 'CONFLICT');
      if (refused && !followingOther) {
        followingOther = true;
        log(`${refused.error?.message}; following that run instead`);
      }
      const run = runs.find(
        (candidate) =>
          candidate.error?.code !== 'CONFLICT' && (followingOther || candidate.startedAt >= since),
      );
      if (run && run.status !== 'running') {
        log(describe(run));
        return;
      }
      // An aborted sleep (Ctrl+C) only ends the wait; the loop then sees the signal and stops.
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  } catch (error) {
    log(`could not follow the first run: ${(error as Error).message}`);
  } finally {
    await store.close().catch(logCleanupFailure('store.close()'));
  }
}
