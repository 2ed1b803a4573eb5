// The sync stage with tables side by side (sync-pipeline.ts `concurrency`): every table syncs once, on its own
// DuckDB session beside the caller's, results come back in the definition's order whatever order they finished in,
// every extra session is closed, and MySQL holds each Delta table's rows.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadDefinition, type PipelineDefinition } from '../../pipelines/definition/load-definition';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { runPipeline } from '../../pipelines/runner/run-pipeline';
import { syncPipelineTables, type TableSyncRun } from '../../pipelines/runner/sync-pipeline';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { createTestDatabase, mariaDbSkipReason, type TestDatabase } from '../sync/mysql-test-db';

const skip = await mariaDbSkipReason();
let source: TempDatabase;
let mysql: TestDatabase;
let lake: string;
let duckdb: DuckDbSession;
let definition: PipelineDefinition;

before(async () => {
  if (skip) return;
  source = await createTempDatabase('sync_conc_src');
  await seedDemoSource({ connectionString: source.url, rows: 2_000, seed: 17 });
  mysql = await createTestDatabase('sync_conc');
  lake = await mkdtemp(path.join(tmpdir(), 'sync-concurrency-'));
  duckdb = await createDuckDbSession();
  definition = await loadDefinition('pipelines/demo/county-ops.pipeline.yaml');
});
after(async () => {
  if (skip) return;
  duckdb?.close();
  await rm(lake, { recursive: true, force: true });
  await mysql?.drop();
  await source?.drop();
});

test(
  'two tables at a time: each syncs once, results in definition order, extra sessions closed',
  { skip },
  async () => {
    const storage = new LocalLakeStorage(lake);
    const run = await runPipeline({ storage, duckdb, env: { DEMO_SOURCE_URL: source.url } }, definition, {
      runId: 'conc-1',
    });
    assert.equal(run.ok, true);
    const sessions: { closed: boolean }[] = [];
    const finished: TableSyncRun[] = [];
    const syncs = await syncPipelineTables(
      {
        storage,
        duckdb,
        connect: mysql.connect,
        openDuckDb: async () => {
          const session = await createDuckDbSession({ threads: 1 });
          const tracked = { closed: false };
          sessions.push(tracked);
          return {
            ...session,
            close() {
              tracked.closed = true;
              session.close();
            },
          };
        },
      },
      definition,
      { concurrency: 2, onTable: (done) => void finished.push(done) },
    );
    const names = definition.tables.map((table) => table.name);
    assert.deepEqual(
      syncs.map((sync) => sync.table),
      names,
    );
    assert.deepEqual(syncs.map((sync) => sync.error?.message).filter(Boolean), []);
    assert.deepEqual(finished.map((done) => done.table).sort(), [...names].sort());
    assert.ok(syncs.every((sync) => sync.startedAt instanceof Date));
    assert.equal(sessions.length, 1, 'one session beside the caller’s');
    assert.ok(sessions.every((session) => session.closed));
    for (const result of run.tables) {
      const table = definition.tables.find((candidate) => candidate.name === result.table);
      const [rows] = await mysql.admin.query(`SELECT COUNT(*) AS n FROM \`${table?.sync?.table}\``);
      assert.equal(Number((rows as { n: unknown }[])[0]?.n), result.rows, result.table);
    }
  },
);

test('an aborted stage starts no table and leaves no extra session open', { skip }, async () => {
  const controller = new AbortController();
  controller.abort(new Error('cancelled'));
  let opened = 0;
  await assert.rejects(
    syncPipelineTables(
      {
        storage: new LocalLakeStorage(lake),
        duckdb,
        connect: mysql.connect,
        signal: controller.signal,
        openDuckDb: async () => {
          opened += 1;
          return createDuckDbSession({ threads: 1 });
        },
      },
      definition,
      { concurrency: 2 },
    ),
    /cancelled/,
  );
  assert.ok(opened <= 1);
});
