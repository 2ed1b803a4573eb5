// The demo's first full run (`npm run bench -- fullrun`, or `npx tsx test/bench/fullrun.bench.ts [rows]`): the
// demo source seeded at the demo's size (3,000,000 rows over its four tables unless given) in a scratch PostgreSQL
// database, then ONE pipeline.run of pipelines/demo/county-ops as the worker runs it (createPipelineJobRunner):
// extract → raw Parquet → Delta tables → MySQL full sync, into a scratch lake and a scratch MariaDB database.
// Reported: the total, each stage (from the run's progress) and each table's extract / apply / sync step (from the
// steps the run reports for lineage, step-reporter.ts), then the MySQL tables' row counts checked against the
// source. Set FULLRUN_SOURCE_URL to reuse an already seeded demo database (seeding 3,000,000 rows takes a while),
// FULLRUN_SYNC_CONCURRENCY to sync that many tables at once instead of the product's default. The CPU figures are
// per process: this one (Node and its DuckDB sessions) is the run's alone; PostgreSQL's and MariaDB's count every
// client of those servers, so they hold only on a machine no one else uses.
// Writes bench-results/fullrun.json.

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { resolveDefinitionPath } from '../../pipelines/definition/definitions-dir';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { createTempDatabase } from '../support/postgres';
import { createTestDatabase } from '../sync/mysql-test-db';

const ROWS = Number(process.argv[2] ?? 3_000_000);
/** Tables synced at once; the product's default when unset. */
const SYNC_CONCURRENCY = Number(process.env.FULLRUN_SYNC_CONCURRENCY ?? 0);
const TABLES = ['parcels', 'building_permits', 'inspections', 'service_requests'];

/**
 * CPU seconds used so far by the processes of each service on this machine (Linux /proc; empty elsewhere): the
 * run's CPU profile by process, which the machine's other load does not change the way it changes wall time.
 */
async function serviceCpuMs(): Promise<Record<string, number>> {
  const totals: Record<string, number> = { mariadbd: 0, postgres: 0 };
  const ticks = 10; // USER_HZ is 100 on Linux: one tick is 10 ms
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const name = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
    const service = name === 'mariadbd' ? 'mariadbd' : name.startsWith('postgres') ? 'postgres' : null;
    if (!service) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, and for PostgreSQL's postmaster its ended children's too (each COPY runs in a backend).
    const own = Number(fields[11]) + Number(fields[12]);
    const children = service === 'postgres' ? Number(fields[13]) + Number(fields[14]) : 0;
    totals[service] = (totals[service] ?? 0) + (own + children) * ticks;
  }
  return totals;
}

async function countSource(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      counts[table] = Number(result.rows[0]?.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

async function main() {
  const reuse = process.env.FULLRUN_SOURCE_URL;
  const source = reuse ? null : await createTempDatabase('bench_fullrun_src');
  const sourceUrl = reuse ?? (source?.url as string);
  const target = await createTestDatabase('bench_fullrun_my');
  const lake = await mkdtemp(path.join(tmpdir(), 'bench-fullrun-lake-'));
  try {
    let seedMs = 0;
    if (source) {
      const seeded = performance.now();
      await seedDemoSource({ connectionString: sourceUrl, rows: ROWS, seed: 17 });
      seedMs = performance.now() - seeded;
    }
    const sourceCounts = await countSource(sourceUrl);
    const totalRows = Object.values(sourceCounts).reduce((a, b) => a + b, 0);
    const run = createPipelineJobRunner({
      storage: new LocalLakeStorage(lake),
      env: { DEMO_SOURCE_URL: sourceUrl },
      mysqlUrl: target.url,
      resolveDefinitionPath: (name) => resolveDefinitionPath(name),
      ...(SYNC_CONCURRENCY ? { syncConcurrency: SYNC_CONCURRENCY } : {}),
    });
    const stages: { stage: string; atMs: number; cpu: NodeJS.CpuUsage; services: Record<string, number> }[] =
      [];
    const steps: Record<string, number> = {};
    const lines: string[] = [];
    const loadBefore = loadavg();
    const servicesBefore = await serviceCpuMs();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await run({
      runId: 'bench-fullrun-1',
      target: 'county-ops',
      signal: new AbortController().signal,
      log: async (_level, message) => {
        lines.push(`${Math.round(performance.now() - started)} ms ${message}`);
      },
      progress: async (progress) => {
        if (progress.stage) {
          stages.push({
            stage: progress.stage,
            atMs: performance.now() - started,
            cpu: process.cpuUsage(),
            services: await serviceCpuMs(),
          });
        }
      },
      reportStep: async (step) => {
        steps[step.name] = Date.now() - step.startedAt.getTime();
      },
    });
    const totalMs = performance.now() - started;
    const loadAfter = loadavg();
    const own = process.cpuUsage(cpuBefore);
    const servicesAfter = await serviceCpuMs();
    // Where the CPU went: this process (Node and its DuckDB sessions: extract's Parquet encode, apply, the sync's
    // CSV export), PostgreSQL (the source's COPY) and MariaDB (LOAD DATA and index builds).
    const cpuMs: Record<string, number> = {
      'node+duckdb': Math.round((own.user + own.system) / 1000),
      postgres: (servicesAfter.postgres ?? 0) - (servicesBefore.postgres ?? 0),
      mariadbd: (servicesAfter.mariadbd ?? 0) - (servicesBefore.mariadbd ?? 0),
    };
    const stageMs: Record<string, number> = {};
    const stageCpuMs: Record<string, Record<string, number>> = {};
    stages.forEach((entry, index) => {
      const next = stages[index + 1];
      stageMs[entry.stage] = Math.round((stageMs[entry.stage] ?? 0) + (next?.atMs ?? totalMs) - entry.atMs);
      if (!next) return;
      const node = next.cpu.user + next.cpu.system - entry.cpu.user - entry.cpu.system;
      stageCpuMs[entry.stage] = {
        'node+duckdb': Math.round(node / 1000),
        postgres: (next.services.postgres ?? 0) - (entry.services.postgres ?? 0),
        mariadbd: (next.services.mariadbd ?? 0) - (entry.services.mariadbd ?? 0),
      };
    });
    delete stageMs.done;
    const my = await mysql.createConnection({ uri: target.url });
    const mysqlCounts: Record<string, number> = {};
    try {
      for (const table of TABLES) {
        const [rows] = await my.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
        mysqlCounts[table] = Number((rows as { n: unknown }[])[0]?.n);
      }
    } finally {
      await my.end();
    }
    const mismatched = TABLES.filter((t) => mysqlCounts[t] !== sourceCounts[t]);
    if (mismatched.length) {
      throw new Error(
        `MySQL row counts differ from the source: ${mismatched.map((t) => `${t} ${mysqlCounts[t]} vs ${sourceCounts[t]}`).join(', ')}`,
      );
    }
    if (!result.syncs.every((s) => s.result && !s.error)) throw new Error('a table did not sync');
    const summary = {
      rows: totalRows,
      syncConcurrency: SYNC_CONCURRENCY || 'default',
      sourceCounts,
      seedMs: Math.round(seedMs),
      totalMs: Math.round(totalMs),
      stageMs,
      stepMs: steps,
      cpuMs,
      stageCpuMs,
      loadAverage: { before: loadBefore, after: loadAfter },
      log: lines,
    };
    await mkdir('bench-results', { recursive: true });
    await writeFile(path.join('bench-results', 'fullrun.json'), `${JSON.stringify(summary, null, 2)}\n`);
    for (const line of lines) console.log(`  ${line}`);
    console.log(`  steps: ${JSON.stringify(steps)}`);
    console.log(`  CPU ms by process: ${JSON.stringify(cpuMs)}; by stage: ${JSON.stringify(stageCpuMs)}`);
    console.log(
      `[bench] fullrun: demo first full run, ${totalRows} rows, ${summary.totalMs} ms ` +
        `(${Object.entries(stageMs)
          .map(([stage, ms]) => `${stage} ${ms} ms`)
          .join(', ')}); MySQL counts equal the source ` +
        `(load ${loadBefore.map((l) => l.toFixed(1)).join(' ')} → ${loadAfter.map((l) => l.toFixed(1)).join(' ')})`,
    );
  } finally {
    await rm(lake, { recursive: true, force: true });
    await target.drop();
    await source?.drop();
  }
}

await main();
