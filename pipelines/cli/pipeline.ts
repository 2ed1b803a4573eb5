// Pipeline CLI:
//   pipeline plan <pipeline> [--table T] [--full]         what the next run would do, per table
//   pipeline run <pipeline> [--table T] [--full] [--run-id ID] [--no-sync]
//   pipeline validate <pipeline>                          load and check the definition only
//   pipeline reconcile <pipeline> [--table T] [--repair] [--no-sync]   compare source and Delta, repair differences
// <pipeline> is a definition file (YAML or JSON) or a name: <PIPELINES_DIR>/<name>.pipeline.yaml (default
// ./pipelines/demo). The lake comes from --lake or LAKE_ROOT (default ./data/lake); credentials from the
// variables the definition names. `run` then syncs the tables with a sync target into --mysql-url or MYSQL_URL.
// Thin entry point: parse → one command → print; errors go to stderr with a non-zero exit code.

import path from 'node:path';
import { createDuckDbSession } from '../engine/duckdb-session';
import { openLakeStorage } from '../lake/open-lake-storage';
import { createMySqlConnector, DEFAULT_MYSQL_URL } from '../sync/index';
import { DEFAULT_PIPELINES_DIR, resolveDefinitionPath as resolveInDir } from '../definition/definitions-dir';
import { formatDuration } from '../definition/schedule-interval';
import { loadDefinition } from '../definition/load-definition';
import { validateDefinitionChecks } from '../quality/custom-sql';
import { canSyncAfter, createRunId, planPipeline, runPipeline } from '../runner/run-pipeline';
import { syncPipelineTables, type TableSyncRun } from '../runner/sync-pipeline';
import { parseCommandLine } from '../support/command-line';
import { reconcileCommand } from './reconcile-command';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type CliEnv = Record<string, string | undefined>;

const USAGE = `usage:
  pipeline plan <pipeline> [--table T]… [--full]
  pipeline run <pipeline> [--table T]… [--full] [--run-id ID] [--no-sync]
  pipeline validate <pipeline>
  pipeline reconcile <pipeline> [--table T]… [--repair] [--no-sync]
<pipeline>: a definition file, or a name in PIPELINES_DIR (default ./pipelines/demo; e.g. county-ops)
options: --lake <dir|file://|webhdfs://> (else LAKE_ROOT, default ./data/lake),
         --mysql-url <mysql://…> (else MYSQL_URL, default ${DEFAULT_MYSQL_URL}), --json`;

/** A file path as given, or the named definition in PIPELINES_DIR. */
export function resolveDefinitionPath(name: string, env: CliEnv = process.env): string {
  return resolveInDir(name, env.PIPELINES_DIR || DEFAULT_PIPELINES_DIR);
}

/** What `run` prints first: it bypasses the worker's lock and records nothing; the safe way instead. */
export const BYPASS_NOTICE = (pipeline: string, table: string | undefined): string =>
  `note: this run bypasses the worker's per-pipeline lock and leaves no run record; while the worker schedules ` +
  `${pipeline}, use \`npm run runs -- reload ${pipeline} --table ${table ?? '<table>'} [--from F --to T] --follow\` ` +
  `or \`npm run runs -- now <schedule> --follow\`, which go through the worker and cannot overlap a scheduled run`;

export function formatSync(run: TableSyncRun): string {
  if (!run.result) return `${run.table}: sync FAILED ${run.error?.message ?? ''}\n`;
  const r = run.result;
  return (
    `${run.table}: ${r.rowsUpserted + r.rowsDeleted} rows synced → MySQL ${run.mysqlTable} ` +
    `(${r.mode} v${r.fromVersion ?? '-'} → v${r.version}: ${r.rowsUpserted} upserted, ${r.rowsDeleted} deleted)\n`
  );
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error && error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : '';
  return `${message}${cause}`;
}

export async function runPipelineCli(argv: string[], io: CliIo, env: CliEnv = process.env): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      table: { type: 'string', multiple: true },
      full: { type: 'boolean', default: false },
      'run-id': { type: 'string' },
      'no-sync': { type: 'boolean', default: false },
      'mysql-url': { type: 'string' },
      lake: { type: 'string' },
      json: { type: 'boolean', default: false },
      repair: { type: 'boolean', default: false },
    },
    io.stderr,
    USAGE,
  );
  if (!parsed) return 2;
  const [command, name] = parsed.positionals;
  const { values } = parsed;
  if (!command || !name || !['plan', 'run', 'validate', 'reconcile'].includes(command)) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const duckdb = await createDuckDbSession();
  try {
    const definition = await loadDefinition(resolveDefinitionPath(name, env));
    if (command === 'validate') {
      // The SQL checks are parsed by DuckDB too, so a check that would be refused at run time is refused now.
      await validateDefinitionChecks(duckdb, definition);
      const checks = definition.tables.reduce((n, table) => n + (table.checks?.length ?? 0), 0);
      io.stdout.write(
        `${definition.file}: ok (${definition.tables.length} tables, ${checks} checks, ${definition.schedule.cron} ${definition.schedule.timeZone ?? 'SCHEDULE_TIMEZONE'})\n` +
          // What the sync status will hold each table to (issue 14), so a wrong limit shows before it alarms.
          definition.tables
            .map((table) => `  ${table.name}: stale when older than ${formatDuration(table.freshnessMs)}\n`)
            .join(''),
      );
      return 0;
    }
    const storage = openLakeStorage(values.lake ?? env.LAKE_ROOT ?? path.resolve('data', 'lake'));
    const effects = { storage, duckdb };
    const selection = { ...(values.table ? { tables: values.table } : {}), forceFull: values.full };
    if (command === 'plan') {
      const planned = await planPipeline(effects, definition, selection);
      if (values.json)
        io.stdout.write(
          `${JSON.stringify(
            planned.map((item) => item.plan),
            null,
            2,
          )}\n`,
        );
      for (const { plan, state } of values.json ? [] : planned) {
        const at = state.version === null ? 'no table' : `v${state.version}`;
        io.stdout.write(
          `${plan.table} (${plan.target}, ${at}): run ${plan.runSequence} ${plan.action}` +
            `${plan.compareKeys ? ' + key comparison' : ''}: ${plan.reason}\n`,
        );
      }
      return 0;
    }
    const runId = values['run-id'] ?? createRunId(new Date());
    const mysqlUrl = values['mysql-url'] || env.MYSQL_URL || DEFAULT_MYSQL_URL;
    if (command === 'reconcile') {
      return await reconcileCommand({ ...effects, env }, definition, io, {
        runId: `reconcile-${runId}`,
        repair: values.repair,
        sync: !values['no-sync'],
        json: values.json,
        mysqlUrl,
        ...(values.table ? { tables: values.table } : {}),
      });
    }
    const log = (message: string): void => {
      io.stderr.write(`[${new Date().toISOString()}] ${message}\n`);
    };
    // This runs in this shell, not the worker: the data plane cannot reach the control database's per-pipeline
    // lock (pipelines/ imports nothing of server/), so a scheduled run could overlap it. Said plainly every time.
    io.stderr.write(`${BYPASS_NOTICE(definition.name, values.table?.[0])}\n`);
    const result = await runPipeline({ ...effects, env, log }, definition, { runId, ...selection });
    // Sync only after every Delta commit succeeded (a failed table is retried by the next run first), or when the
    // only failures are tables stopped by their checks (left unchanged).
    const syncs =
      canSyncAfter(result) && !values['no-sync']
        ? await syncPipelineTables(
            {
              ...effects,
              connect: createMySqlConnector(mysqlUrl),
              log,
            },
            definition,
            // Not the tables stopped by their checks: nothing new to sync (no Delta table at all on a first load).
            {
              tables: result.tables.filter((table) => !table.error).map((table) => table.table),
            },
          )
        : [];
    const ok = result.ok && syncs.every((run) => !run.error);
    if (values.json) io.stdout.write(`${JSON.stringify({ ...result, ok, syncs }, null, 2)}\n`);
    else {
      for (const table of result.tables) {
        io.stdout.write(
          table.error
            ? `${table.table}: FAILED ${table.error.message}\n`
            : `${table.table}: ${table.apply?.alreadyApplied ? 'already applied' : table.plan.action} ` +
                `(${table.rows} rows extracted) → ${table.plan.target} v${table.apply?.version}\n`,
        );
      }
      for (const run of syncs) io.stdout.write(formatSync(run));
      if (values['no-sync']) io.stdout.write('MySQL sync skipped (--no-sync)\n');
      io.stdout.write(`run ${runId}: ${ok ? 'ok' : 'FAILED'}\n`);
    }
    return ok ? 0 : 1;
  } catch (error) {
    io.stderr.write(`pipeline: ${describeError(error)}\n`);
    return 1;
  } finally {
    duckdb.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runPipelineCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
