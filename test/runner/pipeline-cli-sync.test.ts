// `npm run pipeline -- run <p>` syncs the tables with a sync target into MYSQL_URL after the Delta commits and
// prints the rows synced per table; `--no-sync` stops at Delta and says so; names resolve in PIPELINES_DIR.

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPipelineCli } from '../../pipelines/cli/pipeline';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { createTempDatabase, queryRows, type TempDatabase } from '../support/postgres';
import { createTestDatabase, type TestDatabase } from '../sync/mysql-test-db';
import { mysqlSkipReason } from './services';
import { captureCli } from '../support/cli-output';

const skip = await mysqlSkipReason();
let source: TempDatabase;
let mysql: TestDatabase;
let lake: string;
let definitions: string;

before(async () => {
  if (skip) return;
  source = await createTempDatabase('pipeline_cli_sync');
  await seedDemoSource({ connectionString: source.url, rows: 1_000, seed: 3 });
  mysql = await createTestDatabase('pipeline_cli');
  lake = await mkdtemp(path.join(tmpdir(), 'pipeline-cli-sync-'));
  definitions = await mkdtemp(path.join(tmpdir(), 'pipeline-cli-defs-'));
  await copyFile(
    'pipelines/demo/county-ops.pipeline.yaml',
    path.join(definitions, 'county-ops.pipeline.yaml'),
  );
});
after(async () => {
  if (skip) return;
  await mysql.drop();
  await source.drop();
  await rm(lake, { recursive: true, force: true });
  await rm(definitions, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const env = {
    DEMO_SOURCE_URL: source.url,
    MYSQL_URL: mysql.url,
    LAKE_ROOT: lake,
    PIPELINES_DIR: definitions,
  };
  return captureCli((io) => runPipelineCli(argv, io, env));
}

describe('pipeline run with MySQL sync', { skip: skip ?? false }, () => {
  it('--no-sync stops at Delta; a plain run then syncs every table and prints the rows', async () => {
    const deltaOnly = await run(['run', 'county-ops', '--no-sync', '--table', 'parcels']);
    assert.equal(deltaOnly.code, 0, deltaOnly.err);
    assert.match(deltaOnly.out, /MySQL sync skipped \(--no-sync\)/);
    // It runs in this shell: it says so, and names the way through the worker's lock.
    assert.match(deltaOnly.err, /bypasses the worker's per-pipeline lock/);
    assert.match(deltaOnly.err, /npm run runs -- reload county-ops --table parcels/);
    const [tables] = await mysql.admin.query("SHOW TABLES LIKE 'parcels'");
    assert.equal((tables as unknown[]).length, 0, 'nothing in MySQL yet');

    const full = await run(['run', 'county-ops']);
    assert.equal(full.code, 0, full.err);
    for (const table of ['parcels', 'building_permits', 'inspections', 'service_requests']) {
      const [source_] = await queryRows<{ n: string }>(source.url, `SELECT count(*) AS n FROM ${table}`);
      const [rows] = await mysql.admin.query(`SELECT count(*) AS n FROM \`${table}\``);
      const n = Number((rows as { n: string }[])[0]?.n);
      assert.equal(n, Number(source_?.n), `${table}: MySQL holds the source's rows`);
      assert.match(full.out, new RegExp(`^${table}: ${n} rows synced → MySQL ${table} \\(full`, 'm'));
    }
    assert.match(full.out, /run \S+: ok/);
  });
});
