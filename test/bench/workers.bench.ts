// More-workers benchmark (`npm run bench -- workers`, or `npx tsx test/bench/workers.bench.ts [rows]`): four
// demo-like pipelines (copies of pipelines/demo's county-ops, each writing its own Delta tables and MySQL tables,
// all reading one seeded demo source of N rows, default 40,000) get a manual run each, all queued at once, on
//   1. one real worker process (server/worker.ts), WORKER_CONCURRENCY=2;
//   2. two such worker processes on the same control database.
// Each phase starts from an empty control database, lake and MySQL database, so both do the same first full runs
// (extract → Delta → MySQL sync). Measured: wall time from queueing to the fourth run's verdict; ratio = one
// worker / two workers (2.0 is perfect scaling; the machine's cores bound it). Writes bench-results/workers.json.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { closeAgenda } from '../../server/scheduler/create-agenda';
import { runScheduleNow } from '../../server/scheduler/schedules';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { openWebScheduler } from '../scheduler/control-test-db';
import { createTempDatabase } from '../support/postgres';
import { startWorkerProcess } from '../support/worker-process';
import { createTestDatabase } from '../sync/mysql-test-db';

const ROWS = Number(process.argv[2] ?? 40_000);
const PIPELINES = 4;
const CONCURRENCY = 2;

interface Table {
  name: string;
  target: string;
  sync: { table: string };
}

/** Four copies of the demo definition: own name, own Delta roots and MySQL tables, one schedule. */
async function writeDefinitions(dir: string): Promise<string[]> {
  const demo = YAML.parse(await readFile('pipelines/demo/county-ops.pipeline.yaml', 'utf8')) as {
    name: string;
    tables: Table[];
  };
  const names: string[] = [];
  for (let i = 0; i < PIPELINES; i++) {
    const name = `bench-p${i}`;
    const copy = {
      ...demo,
      name,
      tables: demo.tables.map((t) => ({
        ...t,
        target: `tables/p${i}_${t.name}`,
        sync: { ...t.sync, table: `p${i}_${t.sync.table}` },
      })),
    };
    await writeFile(path.join(dir, `${name}.pipeline.yaml`), YAML.stringify(copy));
    names.push(name);
  }
  return names;
}

async function phase(workers: number, sourceUrl: string, definitionsDir: string, names: string[]) {
  const control = await createTempDatabase('bench_workers_ctl');
  const mysql = await createTestDatabase('bench_workers_my');
  const lake = await mkdtemp(path.join(tmpdir(), 'bench-workers-lake-'));
  const store = new PostgresControlStore(control.url);
  await store.init();
  const web = await openWebScheduler(control.url, store, { notifications: true });
  const processes = Array.from({ length: workers }, () =>
    startWorkerProcess({
      CONTROL_DB_URL: control.url,
      PIPELINES_DIR: definitionsDir,
      LAKE_ROOT: lake,
      MYSQL_URL: mysql.url,
      DEMO_SOURCE_URL: sourceUrl,
      WORKER_CONCURRENCY: String(CONCURRENCY),
    }),
  );
  try {
    await Promise.all(processes.map((p) => p.waitFor(/\[worker\].* ready;/, 120_000)));
    const started = performance.now();
    for (const name of names) await runScheduleNow(web, name);
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const runs = await store.listRuns({ jobType: 'pipeline.run', limit: 50 });
      const done = runs.filter((r) => r.status !== 'running');
      if (done.length >= names.length) {
        const ms = performance.now() - started;
        const failed = done.filter((r) => r.status !== 'succeeded');
        if (failed.length) throw new Error(`runs failed: ${failed.map((r) => r.error?.message).join('; ')}`);
        const byWorker = new Map<string, number>();
        for (const r of done) byWorker.set(r.worker ?? '', (byWorker.get(r.worker ?? '') ?? 0) + 1);
        return { ms, runsPerWorker: [...byWorker.values()] };
      }
      if (Date.now() > deadline) throw new Error('the runs did not finish in 30 minutes');
      await sleep(100);
    }
  } finally {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await closeAgenda(web.agenda, false);
    await store.close();
    await control.drop();
    await mysql.drop();
    await rm(lake, { recursive: true, force: true });
  }
}

async function main() {
  const source = await createTempDatabase('bench_workers_src');
  const definitionsDir = await mkdtemp(path.join(tmpdir(), 'bench-workers-defs-'));
  try {
    await seedDemoSource({ connectionString: source.url, rows: ROWS, seed: 17 });
    const names = await writeDefinitions(definitionsDir);
    const loadBefore = loadavg();
    const one = await phase(1, source.url, definitionsDir, names);
    const two = await phase(2, source.url, definitionsDir, names);
    const result = {
      rows: ROWS,
      pipelines: PIPELINES,
      concurrencyPerWorker: CONCURRENCY,
      oneWorkerMs: Math.round(one.ms),
      twoWorkersMs: Math.round(two.ms),
      ratio: Number((one.ms / two.ms).toFixed(2)),
      runsPerWorker: { one: one.runsPerWorker, two: two.runsPerWorker },
      loadAverage: { before: loadBefore, after: loadavg() },
    };
    await mkdir('bench-results', { recursive: true });
    await writeFile(path.join('bench-results', 'workers.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `[bench] workers: ${PIPELINES} pipelines (${ROWS} source rows, first full runs), one worker ${result.oneWorkerMs} ms, ` +
        `two workers ${result.twoWorkersMs} ms (runs per worker ${two.runsPerWorker.join('+')}), ratio ${result.ratio}× ` +
        `(load ${loadBefore.map((l) => l.toFixed(1)).join(' ')} → ${result.loadAverage.after.map((l) => l.toFixed(1)).join(' ')})`,
    );
  } finally {
    await rm(definitionsDir, { recursive: true, force: true });
    await source.drop();
  }
}

await main();
