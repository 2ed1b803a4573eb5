// The MySQL row count of the sync status comes from the sync, not from the status: every statement the status
// sends is recorded (an instrumented connection) and none may count rows. The count the sync records must stay
// exact (equal to a real COUNT(*)) through full loads, incremental syncs with inserts, updates and deletes, and
// no-op syncs; a state row without a recorded count (from before issue 17) falls back to the statistics'
// estimate, says so, and gets an exact count again at its next sync.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { runSyncCli } from '../../pipelines/cli/sync';
import { readSyncStatus, syncTable, type SyncEffects } from '../../pipelines/sync/index';
import type { MySqlClient } from '../../pipelines/sync/mysql/connection';
import { createDeltaFixture, type DeltaFixture } from './delta-fixture';
import { mariaDbSkipReason, type TestDatabase } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';
import { SAMPLE_SCHEMA, sampleRows } from './sample-table';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let db: TestDatabase;
let fixture: DeltaFixture;
let effects: SyncEffects;
const options = { tableRoot: 'tables/permits', mysqlTable: 'permits', keyColumns: ['id'] };

before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_counts_test');
  db = env.db;
  fixture = await createDeltaFixture(env.duckdb, env.lakeDir, options.tableRoot, SAMPLE_SCHEMA);
  effects = { storage: fixture.storage, duckdb: env.duckdb, connect: db.connect };
});
after(() => env?.close());

/** A connector whose clients record every statement they send. */
function recording(connect: () => Promise<MySqlClient>) {
  const statements: string[] = [];
  const wrapped = async (): Promise<MySqlClient> => {
    const client = await connect();
    return {
      threadId: client.threadId,
      query: (sql, params) => (statements.push(sql), client.query(sql, params)),
      execute: (sql, params) => (statements.push(sql), client.execute(sql, params)),
      loadLocalFile: (sql, file) => (statements.push(sql), client.loadLocalFile(sql, file)),
      stream: (sql, params) => (statements.push(sql), client.stream(sql, params)),
      close: () => client.close(),
    };
  };
  return { connect: wrapped, statements };
}

async function realCount(): Promise<number> {
  const [rows] = await db.admin.query('SELECT COUNT(*) AS n FROM permits');
  return Number((rows as { n: unknown }[])[0]?.n);
}

/** The status of permits, read through a recording connection that must never count rows. */
async function statusWithoutCounting() {
  const rec = recording(db.connect);
  const [status] = await readSyncStatus({ ...effects, connect: rec.connect });
  assert.ok(rec.statements.length > 0, 'the status was read from MySQL');
  const counting = rec.statements.filter((sql) => /count\s*\(/i.test(sql));
  assert.deepEqual(counting, [], 'the status sends no COUNT');
  return status;
}

test(
  'status reads the count the sync recorded: exact after full, incremental and no-op syncs, no COUNT',
  { skip },
  async () => {
    await fixture.commit({ add: [sampleRows(0, 400)] });
    assert.equal((await syncTable(effects, options)).mode, 'full');
    let status = await statusWithoutCounting();
    assert.equal(status?.mysqlRowsSource, 'recorded');
    assert.equal(status?.mysqlRows, 400);
    assert.equal(status?.mysqlRows, await realCount());

    // Updates of 0..299, deletes of 300..399, inserts of 400..449.
    const [first] = (await fixture.snapshot()).files;
    await fixture.commit({ remove: [first?.path ?? ''], add: [sampleRows(0, 300, 1), sampleRows(400, 450)] });
    const incremental = await syncTable(effects, options);
    assert.equal(incremental.mode, 'incremental');
    assert.equal(incremental.rowsDeleted, 100);
    status = await statusWithoutCounting();
    assert.equal(status?.mysqlRowsSource, 'recorded');
    assert.equal(status?.mysqlRows, 350);
    assert.equal(status?.mysqlRows, await realCount());
    assert.equal(status?.deltaRows, 350);

    assert.equal((await syncTable(effects, options)).mode, 'noop');
    status = await statusWithoutCounting();
    assert.equal(status?.mysqlRows, 350, 'a no-op sync keeps the recorded count');

    await fixture.commit({ add: [sampleRows(1000, 1010)] });
    await syncTable(effects, { ...options, full: true });
    status = await statusWithoutCounting();
    assert.equal(status?.mysqlRows, 360);
    assert.equal(status?.mysqlRows, await realCount());
  },
);

test(
  'a table with no recorded count shows the estimate and says so; its next sync records it',
  { skip },
  async () => {
    // As a state row written before the count was recorded.
    await db.admin.query('UPDATE _lakehouse_sync_state SET mysql_rows = NULL WHERE table_name = ?', [
      'permits',
    ]);
    await db.admin.query('ANALYZE TABLE permits');
    const [stats] = await db.admin.query(
      `SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'permits'`,
    );
    let status = await statusWithoutCounting();
    assert.equal(status?.mysqlRowsSource, 'estimate');
    assert.equal(status?.mysqlRows, Number((stats as { n: unknown }[])[0]?.n));

    let out = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const cliEnv = { LAKE_ROOT: env?.lakeDir ?? '', MYSQL_URL: db.url };
    assert.equal(await runSyncCli(['status'], { stdout: stream, stderr: stream }, cliEnv), 0);
    assert.match(out, /MySQL \d+ \(estimate, no sync has recorded a count yet\)/);

    // Even a sync with nothing to do counts a table that has no recorded count.
    assert.equal((await syncTable(effects, options)).mode, 'noop');
    status = await statusWithoutCounting();
    assert.equal(status?.mysqlRowsSource, 'recorded');
    assert.equal(status?.mysqlRows, await realCount());
    out = '';
    assert.equal(await runSyncCli(['status'], { stdout: stream, stderr: stream }, cliEnv), 0);
    assert.match(out, /MySQL 360 \(as of the last sync\)/);
  },
);

test('a missing MySQL table has no count at all', { skip }, async () => {
  await db.admin.query('DROP TABLE permits');
  const status = await statusWithoutCounting();
  assert.equal(status?.mysqlRows, null);
  assert.equal(status?.mysqlRowsSource, null);
});
