// The rollback scenario of issue 14, end to end, for its closing note:
//   npx tsx test/cdc/rollback-scenario.ts --rows 300000 [--keep]
// Seeds a PostgreSQL table of N rows (a temp database), runs the pipeline (incremental, watermark updated_at,
// overlap 1s, keys compared every run) and the MySQL sync (a temp MariaDB database), changes rows (updates,
// inserts, deletes, each hour apart: older than the overlap) with a run after each, restores the Delta table to
// version 1 through `npm run delta -- restore`, then runs twice. After each step it prints the count and the sums
// of two numeric columns on the source, Delta and MySQL, and the step's elapsed time. Exit code 1 when the three
// differ at the end. Needs PostgreSQL at 127.0.0.1:5432 and MariaDB at 127.0.0.1:3306 (see ARCHITECTURE.md §5).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { runDeltaCli } from '../../pipelines/cli/delta';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { planPipeline, runPipeline } from '../../pipelines/runner/run-pipeline';
import { syncPipelineTables } from '../../pipelines/runner/sync-pipeline';
import { createTempDatabase } from '../support/postgres';
import { createTestDatabase } from '../sync/mysql-test-db';
import {
  buildDefinition,
  changeItems,
  deltaFigures,
  mysqlFigures,
  seedItems,
  sourceFigures,
  TABLE_ROOT,
  type Figures,
} from './rollback-fixture';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '300000' }, keep: { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 10_000) {
  process.stderr.write(
    '--rows must be a whole number of at least 10000 (changes touch about rows/997 rows)\n',
  );
  process.exit(2);
}

const source = await createTempDatabase('rollback_scenario');
const mysqlDb = await createTestDatabase('rollback_scenario');
const dir = await mkdtemp(path.join(tmpdir(), 'rollback-scenario-'));
const duckdb = await createDuckDbSession();
const effects = { storage: new LocalLakeStorage(dir), duckdb, env: { ROLLBACK_SOURCE_URL: source.url } };
const definition = buildDefinition(1);
let runs = 0;

const show = (f: Figures): string =>
  `${String(f.rows).padStart(8)} ${f.amount.padStart(14)} ${f.qty.padStart(10)}`;
const same = (a: Figures, b: Figures): boolean =>
  a.rows === b.rows && a.amount === b.amount && a.qty === b.qty;

async function report(label: string, seconds: number): Promise<boolean> {
  const [s, d, m] = [
    await sourceFigures(source.url),
    await deltaFigures(effects),
    await mysqlFigures(mysqlDb.admin),
  ];
  const equal = same(s, d) && same(s, m);
  process.stdout.write(
    `${label.padEnd(34)} ${seconds.toFixed(1).padStart(6)}s | ${show(s)} | ${show(d)} | ${show(m)} | ${equal ? 'equal' : 'DIFFER'}\n`,
  );
  return equal;
}

async function timed(label: string, work: () => Promise<string | void>): Promise<boolean> {
  const started = performance.now();
  const note = await work();
  const equal = await report(label, (performance.now() - started) / 1000);
  if (note) process.stdout.write(`  ${note}\n`);
  return equal;
}

async function runAndSync(): Promise<string> {
  runs += 1;
  const [planned] = await planPipeline(effects, definition);
  const result = await runPipeline(effects, definition, { runId: `scenario-${runs}` });
  if (!result.ok) throw new Error(`run ${runs} failed: ${result.tables[0]?.error?.message}`);
  const [synced] = await syncPipelineTables({ ...effects, connect: mysqlDb.connect }, definition);
  if (synced?.error) throw synced.error;
  const table = result.tables[0]!;
  return (
    `run ${runs}: ${table.plan.action}${table.plan.compareKeys ? ' + keys' : ''}, ${table.rows} rows extracted → ` +
    `v${table.apply?.version}; MySQL ${synced?.result?.mode} +${synced?.result?.rowsUpserted} ` +
    `-${synced?.result?.rowsDeleted}; plan: ${planned?.plan.reason}`
  );
}

async function change(step: number): Promise<string> {
  const counts = await changeItems(source.url, step);
  return `change ${step}: ${counts.updated} updated, ${counts.inserted} inserted, ${counts.deleted} deleted`;
}

let ok = false;
try {
  process.stdout.write(
    `rollback scenario, ${rows} rows (overlap 1s, keys compared every run, changes an hour apart)\n` +
      `${'step'.padEnd(34)} ${'time'.padStart(7)} | ${'source: rows'.padStart(8)} ${'sum(amount)'.padStart(14)} ${'sum(qty)'.padStart(10)} | Delta (same columns) | MySQL (same columns)\n`,
  );
  const seeding = performance.now();
  await seedItems(source.url, rows);
  process.stdout.write(
    `${'seed source'.padEnd(34)} ${((performance.now() - seeding) / 1000).toFixed(1).padStart(6)}s | ${show(await sourceFigures(source.url))} |\n`,
  );
  await timed('run 1 (create) + sync', runAndSync);
  for (const step of [1, 2, 3]) {
    await timed(`change ${step} in the source`, () => change(step));
    await timed(`run ${step + 1} + sync`, runAndSync);
  }
  await timed('delta restore --version 1 + sync', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const sink = (lines: string[]) =>
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString());
          done();
        },
      });
    const code = await runDeltaCli(['restore', path.join(dir, TABLE_ROOT), '--version', '1'], {
      stdout: sink(out),
      stderr: sink(err),
    });
    if (code !== 0) throw new Error(`delta restore failed: ${err.join('')}`);
    const [synced] = await syncPipelineTables({ ...effects, connect: mysqlDb.connect }, definition);
    if (synced?.error) throw synced.error;
    return `restore → v${(JSON.parse(out.join('')) as { version: number }).version}; ${err.join('').trim()}`;
  });
  await timed('run after the restore + sync', runAndSync);
  ok = await timed('second run + sync', runAndSync);
} finally {
  duckdb.close();
  if (values.keep) {
    process.stdout.write(`kept: lake ${dir}, PostgreSQL ${source.url}, MySQL ${mysqlDb.url}\n`);
    await mysqlDb.admin.end();
  } else {
    await rm(dir, { recursive: true, force: true });
    await source.drop();
    await mysqlDb.drop();
  }
}
process.stdout.write(ok ? 'source, Delta and MySQL are equal\n' : 'source, Delta and MySQL DIFFER\n');
process.exitCode = ok ? 0 : 1;
