// Measures a full extract of one table (default service_requests) from a PostgreSQL database into a temp lake:
// wall time and the process's peak RSS. Not part of `npm test`: run it by hand against a seeded demo source, e.g.
//   npx tsx test/cdc/measure-extract.ts postgres://postgres@127.0.0.1:5432/county_ops [table]
// It prints one JSON line; seed a database big enough (DEMO_ROWS ≈ 2.8 M gives ≥ 1 M service_requests).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_ROWS_PER_FILE, extractTable } from '../../pipelines/cdc/extract-table';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { loadDefinition, findTable } from '../../pipelines/definition/load-definition';
import { PostgresSource } from '../../pipelines/sources/postgres/postgres-source';

const url = process.argv[2];
const tableName = process.argv[3] ?? 'service_requests';
if (!url) {
  console.error('usage: measure-extract.ts <postgres-url> [table]');
  process.exit(2);
}
const definition = await loadDefinition(path.resolve('pipelines/demo/county-ops.pipeline.yaml'));
const dir = await mkdtemp(path.join(tmpdir(), 'measure-extract-'));
const duckdb = await createDuckDbSession(
  process.env.MEASURE_DUCKDB_THREADS ? { threads: Number(process.env.MEASURE_DUCKDB_THREADS) } : {},
);
// DuckDB's own allocations count in the RSS too; bound them like a production worker would.
const memoryLimit = process.env.MEASURE_DUCKDB_MEMORY ?? '256MB';
await duckdb.run(`SET memory_limit = '${memoryLimit.replace(/'/g, '')}'`);
const rowsPerFile = Number(process.env.MEASURE_ROWS_PER_FILE ?? DEFAULT_ROWS_PER_FILE);
let peakSampled = 0;
const samples: number[] = [];
const sampleStart = Date.now();
const sampler = setInterval(() => {
  peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
  if ((Date.now() - sampleStart) / 2000 >= samples.length)
    samples.push(Math.round(process.memoryUsage().rss / 1e6));
}, 100);
try {
  const session = await new PostgresSource(url).openSession();
  const started = performance.now();
  const manifest = await extractTable({ storage: new LocalLakeStorage(dir), duckdb }, session, {
    pipeline: definition.name,
    source: definition.source.name,
    table: findTable(definition, tableName),
    runId: 'measure',
    runSequence: 1,
    mode: 'full',
    watermarkFrom: null,
    compareKeys: false,
    rowsPerFile,
  });
  const seconds = (performance.now() - started) / 1000;
  await session.close();
  clearInterval(sampler);
  const bytes = manifest.files.reduce((total, file) => total + file.bytes, 0);
  console.log(
    JSON.stringify({
      table: tableName,
      rows: manifest.rowCount,
      files: manifest.files.length,
      parquetBytes: bytes,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(manifest.rowCount / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      peakRssSampledMb: Math.round(peakSampled / 1024 / 1024),
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
      rowsPerFile,
      duckdbMemoryLimit: memoryLimit,
      node: process.version,
      /** RSS in MB every ~2 s: flat after the first files means memory does not grow with the table. */
      rssTimelineMb: samples,
    }),
  );
} finally {
  clearInterval(sampler);
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
}
