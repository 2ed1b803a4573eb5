// `npm run runs -- <command>`: the control plane from a shell on the server, for admins who script or prefer a
// terminal. A run started here goes through the worker like "Run now" on the Schedules page: the per-pipeline
// lock, a run record, logs and lineage (unlike `npm run pipeline -- run`, which runs in the shell itself).
//   now <schedule> [--follow]   queue a manual run; --follow prints its stages and log lines until it ends
//   reload <pipeline> --table T [--from F --to T] [--follow]
//                               queue a full reload of one table, or with --from/--to a re-extract of the rows whose
//                               watermark is in [from, to) that leaves the watermark where it is
//   list [--pipeline P] [--status S] [--limit N]
//   show <run id>               the run record, its data-quality checks and its log
//   cancel <run id>

import { userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCommandLine } from '@/pipelines/support/command-line';
import { ApiError } from '../api/errors';
import { loadEnv } from '../config/env';
import { openSchedulerContext } from '../scheduler/open-scheduler-context';
import { queueReload } from '../scheduler/reload';
import { auditScheduleChange } from '../scheduler/schedule-audit';
import { cancelRun, runScheduleNow, type SchedulerContext } from '../scheduler/schedules';
import { RUN_STATUSES, type RunRecord, type RunStatus } from '../store/types';

export interface RunsCliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage: npm run runs -- now <schedule> [--follow] | reload <pipeline> --table T [--from F --to T] [--follow] | list [--pipeline P] [--status S] [--limit N] | show <run id> | cancel <run id>`;

/** How long --follow waits for a worker to pick the run up before it says so (it keeps waiting). */
const NO_WORKER_HINT_MS = 30_000;

function summary(run: RunRecord): string {
  const p = run.progress;
  const figures = [
    p.rowsExtracted !== undefined ? `${Number(p.rowsExtracted).toLocaleString('en-US')} rows extracted` : '',
    p.rowsSynced !== undefined ? `${Number(p.rowsSynced).toLocaleString('en-US')} synced` : '',
  ].filter(Boolean);
  const took = run.finishedAt
    ? ` in ${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1)} s`
    : '';
  return (
    `${run.id}  ${run.pipeline}  ${run.jobType}  ${run.trigger}  ${run.status}${took}` +
    `${figures.length ? `  (${figures.join(', ')})` : ''}${run.error ? `  ${run.error.message}` : ''}`
  );
}

/** Queues a manual run and, with follow, prints its stages and logs until it ends; the exit code is its verdict. */
async function runNow(ctx: SchedulerContext, name: string, follow: boolean, io: RunsCliIo): Promise<number> {
  // A second back, for a worker clock slightly behind ours; an older run of the target would have to have started
  // in that second, while runScheduleNow refuses to queue next to an active run.
  const since = new Date(Date.now() - 1_000);
  const { target } = await runScheduleNow(ctx, name);
  // The shell has no signed-in admin: the audit list names the operating-system user instead.
  await auditScheduleChange(ctx, `shell:${userInfo().username}`, name, 'run-now', null, null);
  io.stdout.write(`queued a manual run of ${target}\n`);
  return follow ? followRun(ctx, target, since, io) : 0;
}

/** Queues a table reload or time-range re-extract (checked first: nothing is queued for a bad request). */
async function reload(
  ctx: SchedulerContext,
  pipelinesDir: string,
  pipeline: string,
  values: { table?: string; from?: string; to?: string; follow: boolean },
  io: RunsCliIo,
): Promise<number> {
  const since = new Date(Date.now() - 1_000);
  const { target, options } = await queueReload(ctx, pipelinesDir, {
    pipeline,
    table: values.table,
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  });
  io.stdout.write(
    options.range
      ? `queued a re-extract of ${options.range.table} in ${target}: watermark in [${options.range.from}, ${options.range.to})\n`
      : `queued a full reload of ${options.tables?.join(', ') ?? ''} in ${target}\n`,
  );
  return values.follow ? followRun(ctx, target, since, io) : 0;
}

/** Prints the manual run of target started since then: its stages and logs until it ends; exit code = verdict. */
async function followRun(ctx: SchedulerContext, target: string, since: Date, io: RunsCliIo): Promise<number> {
  const queuedAt = Date.now();
  let hinted = false;
  let stage: unknown;
  let printed = 0;
  for (;;) {
    const run = (await ctx.store.listRuns({ pipeline: target, limit: 5 })).find(
      (candidate) => candidate.trigger === 'manual' && candidate.startedAt >= since,
    );
    if (!run) {
      if (!hinted && Date.now() - queuedAt > NO_WORKER_HINT_MS) {
        hinted = true;
        io.stderr.write('no worker has started it yet: is `npm run worker` (or the demo) running?\n');
      }
    } else {
      if (run.progress.stage !== stage) {
        stage = run.progress.stage;
        if (stage !== undefined) io.stdout.write(`stage: ${String(stage)}\n`);
      }
      const logs = await ctx.store.listLogs(run.id);
      for (const line of logs.slice(printed)) {
        io.stdout.write(`${line.at.toISOString()} ${line.level.padEnd(5)} ${line.message}\n`);
      }
      printed = Math.max(printed, logs.length);
      if (run.status !== 'running') {
        io.stdout.write(`${summary(run)}\n`);
        return run.status === 'succeeded' ? 0 : 1;
      }
    }
    await sleep(1_000);
  }
}

export async function runRunsCli(
  argv: string[],
  io: RunsCliIo,
  source: Record<string, string | undefined> = process.env,
): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      follow: { type: 'boolean', default: false },
      pipeline: { type: 'string' },
      table: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
    },
    io.stderr,
    USAGE,
  );
  if (!parsed) return 2;
  const [command, subject] = parsed.positionals;
  const { values } = parsed;
  const status = values.status as RunStatus | undefined;
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (
    !command ||
    !['now', 'reload', 'list', 'show', 'cancel'].includes(command) ||
    (command === 'reload' && !values.table) ||
    (command !== 'list' && !subject) ||
    (status !== undefined && !RUN_STATUSES.includes(status)) ||
    !(Number.isInteger(limit) && limit >= 1 && limit <= 500)
  ) {
    io.stderr.write(`${USAGE}\nstatus: ${RUN_STATUSES.join(', ')}; limit: 1 to 500\n`);
    return 2;
  }
  const env = loadEnv(source);
  const ctx = await openSchedulerContext({
    controlDbUrl: env.CONTROL_DB_URL,
    timezone: env.SCHEDULE_TIMEZONE,
    name: `runs-cli:${process.pid}`,
  });
  try {
    if (command === 'now') return await runNow(ctx, subject as string, values.follow, io);
    if (command === 'reload') return await reload(ctx, env.PIPELINES_DIR, subject as string, values, io);
    if (command === 'list') {
      const runs = await ctx.store.listRuns({
        ...(values.pipeline ? { pipeline: values.pipeline } : {}),
        ...(status ? { status } : {}),
        limit,
      });
      for (const run of runs) io.stdout.write(`${summary(run)}\n`);
      if (runs.length === 0) io.stdout.write('no runs\n');
      return 0;
    }
    if (command === 'cancel') {
      const run = await cancelRun(ctx, subject as string);
      io.stdout.write(`cancel requested: ${summary(run)}\n`);
      return 0;
    }
    const run = await ctx.store.getRun(subject as string);
    if (!run) throw new ApiError('NOT_FOUND', `No run ${subject}`);
    io.stdout.write(`${summary(run)}\n`);
    for (const check of run.results.quality ?? []) {
      const verdict = check.passed ? 'passed' : check.severity === 'error' ? 'FAILED' : 'warning';
      io.stdout.write(
        `check ${check.table} ${check.check} (${check.stage}, ${check.severity}): ${verdict}, ${check.message}\n`,
      );
    }
    for (const line of await ctx.store.listLogs(run.id)) {
      io.stdout.write(`${line.at.toISOString()} ${line.level.padEnd(5)} ${line.message}\n`);
    }
    return 0;
  } catch (error) {
    // Refusals (no such schedule, already running) are the admin's to read, not a stack trace.
    io.stderr.write(`runs: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runRunsCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
