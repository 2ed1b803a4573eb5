// `npx tsx server/cli/demo-source.ts <seed|change|status>`: manage the demo source database (DEMO_SOURCE_URL).
// A thin entry point: parse and validate arguments, call one pipelines/demo command, print its result.

import { parseArgs } from 'node:util';
import { type TableChangeCounts, applyChangeHour } from '@/pipelines/demo/apply-change-hour';
import { DemoSourceError } from '@/pipelines/demo/errors';
import { readDemoStatus } from '@/pipelines/demo/read-demo-status';
import { DEMO_TABLES, type DemoTable } from '@/pipelines/demo/schema';
import { seedDemoSource } from '@/pipelines/demo/seed-demo-source';
import { ConfigError, loadEnv, redactUrl } from '../config/env';

const USAGE = `Usage: demo-source <command> [options]

Commands:
  seed [--rows N] [--seed S] [--force]   create and seed the demo tables if the database is empty
                                         (--force drops the demo tables and seeds again)
  change [--hours N]                     apply N hours (default 1) of simulated county activity
  status                                 show whether the database is seeded and its row counts

Reads DEMO_SOURCE_URL, DEMO_ROWS and DEMO_SEED from the environment; --rows and --seed override them.`;

class UsageError extends Error {}

function parseInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

const log = (line: string) => console.log(`[demo-source] ${line}`);
const formatCount = (n: number) => n.toLocaleString('en-US');

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

type Counts = Record<DemoTable, TableChangeCounts>;

function printCounts(counts: Counts): void {
  printTable(
    ['table', 'inserted', 'updated', 'deleted'],
    DEMO_TABLES.map((t) => [
      t,
      formatCount(counts[t].inserted),
      formatCount(counts[t].updated),
      formatCount(counts[t].deleted),
    ]),
  );
}

/** Apply hours change runs one after another (each its own transaction), printing each and the total. */
async function runChangeHours(url: string, hours: number, seed: number | undefined): Promise<void> {
  const totals = Object.fromEntries(
    DEMO_TABLES.map((t) => [t, { inserted: 0, updated: 0, deleted: 0 }]),
  ) as Counts;
  for (let hour = 1; hour <= hours; hour++) {
    const result = await applyChangeHour({ connectionString: url, seed });
    log(`hour ${hour}: change run ${result.run}, updated_at = ${result.at.toISOString()} (${result.ms} ms)`);
    printCounts(result.counts);
    for (const t of DEMO_TABLES) {
      totals[t].inserted += result.counts[t].inserted;
      totals[t].updated += result.counts[t].updated;
      totals[t].deleted += result.counts[t].deleted;
    }
  }
  if (hours > 1) {
    log(`total over ${hours} hours`);
    printCounts(totals);
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      rows: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean', default: false },
      hours: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !['seed', 'change', 'status'].includes(command ?? '')) {
    throw new UsageError(
      command === undefined ? 'missing command' : `unknown command ${JSON.stringify(positionals.join(' '))}`,
    );
  }
  if (command !== 'seed' && (values.rows !== undefined || values.force))
    throw new UsageError('--rows and --force apply to seed only');
  if (command !== 'change' && values.hours !== undefined)
    throw new UsageError('--hours applies to change only');
  const rows = parseInteger('rows', values.rows, 100, 200_000_000);
  const seed = parseInteger('seed', values.seed, 0, Number.MAX_SAFE_INTEGER);
  const hours = parseInteger('hours', values.hours, 1, 24 * 31);
  const env = loadEnv();
  const url = env.DEMO_SOURCE_URL;

  if (command === 'seed') {
    const result = await seedDemoSource({
      connectionString: url,
      rows: rows ?? env.DEMO_ROWS,
      seed: seed ?? env.DEMO_SEED,
      force: values.force,
      log,
    });
    log(
      result.seeded
        ? `seeded ${redactUrl(url)} in ${(result.ms / 1000).toFixed(1)} s`
        : `${redactUrl(url)} is already seeded; left as is (--force reseeds)`,
    );
    printTable(
      ['table', 'rows'],
      DEMO_TABLES.map((t) => [t, formatCount(result.counts[t])]),
    );
    return 0;
  }

  if (command === 'change') {
    await runChangeHours(url, hours ?? 1, seed);
    return 0;
  }

  const status = await readDemoStatus(url);
  if (!status.seeded || !status.counts) {
    log(
      `${redactUrl(url)} is not seeded${status.tables.length ? ` (found tables: ${status.tables.join(', ')})` : ''}; run \`demo-source seed\``,
    );
    return 1;
  }
  const meta = status.meta;
  if (meta) {
    log(
      `${redactUrl(url)}: seed ${meta.seed}, ${formatCount(meta.rowsRequested)} rows requested, seeded ${meta.seededAt.toISOString()}`,
    );
    log(
      `change runs applied: ${meta.changeRuns}${meta.lastChangeAt ? `, last at ${meta.lastChangeAt.toISOString()}` : ''}`,
    );
  }
  const counts = status.counts;
  printTable(
    ['table', 'rows'],
    [
      ...DEMO_TABLES.map((t) => [t, formatCount(counts[t])]),
      ['total', formatCount(DEMO_TABLES.reduce((s, t) => s + counts[t], 0))],
    ],
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`demo-source: ${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof DemoSourceError || error instanceof ConfigError) {
      console.error(`demo-source: ${error.message}`);
      process.exit(1);
    }
    console.error('demo-source: unexpected failure');
    console.error(error);
    process.exit(1);
  },
);
