// The demo's first full run (`npm run bench -- fullrun`, or `npx tsx test/bench/fullrun.bench.ts [rows]`): the
// demo source seeded at the demo's size (3,000,000 rows over its four tables unless given) in a scratch PostgreSQL
// database, then ONE pipeline.run of pipelines/demo/county-ops as the worker runs it (createPipelineJobRunner):
// extract → raw Parquet → Delta tables → MySQL full sync, into a scratch lake and a scratch MariaDB database.
// Reported: the total, each stage (from the run's progress) and each table's extract / apply / sync step (from the
// steps the run reports for lineage, step-reporter.ts), then the MySQL tables' row counts checked against the
// source. Set FULLRUN_SOURCE_URL to reuse an already seeded demo database (seeding 3,000,000 rows takes a while).
// Writes bench-results/fullrun.json.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
const TABLES = ['parcels', 'building_permits', 'inspections', 'service_requests'];

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
    });
    const stages: { stage: string; atMs: number }[] = [];
    const steps: Record<string, number> = {};
    const lines: string[] = [];
    const loadBefore = loadavg();
    const started = performance.now();
    const result = await run({
      runId: 'bench-fullrun-1',
      target: 'county-ops',
      signal: new AbortController().signal,
      log: async (_level, message) => {
        lines.push(`${Math.round(performance.now() - started)} ms ${message}`);
      },
      progress: async (progress) => {
        if (progress.stage) stages.push({ stage: progress.stage, atMs: performance.now() - started });
      },
      reportStep: async (step) => {
        steps[step.name] = Date.now() - step.startedAt.getTime();
      },
    });
    const totalMs = performance.now() - started;
    const loadAfter = loadavg();
    const stageMs: Record<string, number> = {};
    stages.forEach((entry, index) => {
      const next = stages[index + 1]?.atMs ?? totalMs;
      stageMs[entry.stage] = Math.round((stageMs[entry.stage] ?? 0) + next - entry.atMs);
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
      sourceCounts,
      seedMs: Math.round(seedMs),
      totalMs: Math.round(totalMs),
      stageMs,
      stepMs: steps,
      loadAverage: { before: loadBefore, after: loadAfter },
      log: lines,
    };
    await mkdir('bench-results', { recursive: true });
    await writeFile(path.join('bench-results', 'fullrun.json'), `${JSON.stringify(summary, null, 2)}\n`);
    for (const line of lines) console.log(`  ${line}`);
    console.log(`  steps: ${JSON.stringify(steps)}`);
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
