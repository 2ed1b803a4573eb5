// Full load, incremental sync, schema evolution and the lock, against the machine's MariaDB (a temp database).

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable } from '../../pipelines/delta/write/create-table';
import type { DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { isSyncError, SyncError, syncTable, verifyTable, type SyncEffects } from '../../pipelines/sync/index';
import { acquireSyncLock } from '../../pipelines/sync/mysql/sync-state';
import { createDeltaFixture, type DeltaFixture } from './delta-fixture';
import { mariaDbSkipReason, type TestDatabase } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';
import { SAMPLE_SCHEMA, sampleRows } from './sample-table';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let duckdb: DuckDbSession;
let db: TestDatabase;
let lakeDir: string;
before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_table_test');
  ({ duckdb, db, lakeDir } = env);
});
after(() => env?.close());

function effectsFor(fixture: DeltaFixture): SyncEffects {
  return { storage: fixture.storage, duckdb, connect: db.connect };
}

async function assertEqualToDelta(fixture: DeltaFixture, table: string, keys = ['id']) {
  const result = await verifyTable(effectsFor(fixture), {
    tableRoot: fixture.root,
    mysqlTable: table,
    keyColumns: keys,
  });
  assert.deepEqual(result.differences, []);
  assert.equal(result.equal, true);
  assert.equal(result.mysqlRows, result.deltaRows);
  return result;
}

test(
  'rows already in key order load in key ranges, export and load overlapping; MySQL equals Delta',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/ranges', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 500), sampleRows(500, 1200)] });
    const lines: string[] = [];
    const result = await syncTable(
      { ...effectsFor(fixture), log: (line) => void lines.push(line) },
      {
        tableRoot: fixture.root,
        mysqlTable: 'ranges',
        keyColumns: ['id'],
        indexes: [['day']],
        loadRangeRows: 300,
      },
    );
    assert.equal(result.rowsUpserted, 1200);
    assert.ok(
      lines.some((line) => line.includes('of 4 key ranges')),
      lines.join('\n'),
    );
    await assertEqualToDelta(fixture, 'ranges');
  },
);

test('first sync loads the snapshot into a new table with mapped types', { skip }, async () => {
  const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/first', SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 500), sampleRows(500, 1200)] });
  const result = await syncTable(effectsFor(fixture), {
    tableRoot: fixture.root,
    mysqlTable: 'first',
    indexes: [['day'], ['name', 'active']],
    keyColumns: ['id'],
  });
  assert.equal(result.mode, 'full');
  assert.equal(result.loadMethod, 'load-data');
  assert.equal(result.rowsUpserted, 1200);
  const [indexes] = await db.admin.query(
    "SELECT INDEX_NAME AS i, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'first' GROUP BY INDEX_NAME ORDER BY INDEX_NAME",
  );
  assert.deepEqual(indexes, [
    { i: 'ix_1_day', c: 'day' },
    { i: 'ix_2_name_active', c: 'name,active' },
    { i: 'PRIMARY', c: 'id' },
  ]);
  await assertEqualToDelta(fixture, 'first');
  const [rows] = await db.admin.query(
    'SELECT id, name, amount, score, active, day, ts, HEX(payload) AS payload, tags, attrs FROM first WHERE id IN (13, 22, 29) ORDER BY id',
  );
  assert.deepEqual(rows, [
    {
      id: '13',
      name: 'NULL',
      amount: '16.25',
      score: 13 / 3,
      active: 0,
      day: '2024-01-14',
      ts: '2024-01-01 00:00:13.001599',
      payload: '7031330A',
      tags: ['t13', 'x0'],
      attrs: { a: 13, b: 'b0' },
    },
    {
      id: '22',
      name: null,
      amount: '27.50',
      score: 22 / 3,
      active: 1,
      day: '2024-01-23',
      ts: '2024-01-01 00:00:22.002706',
      payload: '7032320A',
      tags: ['t22', 'x0'],
      attrs: { a: 22, b: 'b0' },
    },
    {
      id: '29',
      name: 'name "29\n,0 é',
      amount: '36.25',
      score: 29 / 3,
      active: 0,
      day: '2024-01-30',
      ts: '2024-01-01 00:00:29.003567',
      payload: '7032390A',
      tags: ['t29', 'x0'],
      attrs: { a: 29, b: 'b0' },
    },
  ]);
  const [state] = await db.admin.query(
    'SELECT delta_version, status, mode, rows_upserted FROM _lakehouse_sync_state WHERE table_name = ?',
    ['first'],
  );
  assert.deepEqual(state, [{ delta_version: '0', status: 'succeeded', mode: 'full', rows_upserted: '1200' }]);
});

test(
  'incremental sync sends only changed rows: updates, deletes, appends; unchanged rewritten rows are skipped',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/incr', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 1000), sampleRows(1000, 2000)] });
    const effects = effectsFor(fixture);
    const options = { tableRoot: fixture.root, mysqlTable: 'incr', keyColumns: ['id'], batchRows: 37 };
    await syncTable(effects, options);
    const [firstFile] = (await fixture.snapshot()).files.map((file) => file.path).sort();
    // Rewrite the first file: 100 rows updated, 50 deleted, 850 carried over unchanged.
    await fixture.rewrite(
      firstFile as string,
      (f) => `SELECT * FROM ${f} WHERE id >= 150 UNION ALL SELECT * FROM (${sampleRows(50, 150, 1)})`,
    );
    await fixture.commit({ add: [sampleRows(2000, 2100)] });
    const result = await syncTable(effects, options);
    assert.equal(result.mode, 'incremental');
    assert.equal(result.fromVersion, 0);
    assert.equal(result.version, 2);
    assert.equal(result.rowsUpserted, 200);
    assert.equal(result.rowsDeleted, 50);
    await assertEqualToDelta(fixture, 'incr');
    const again = await syncTable(effects, options);
    assert.equal(again.mode, 'noop');
  },
);

test(
  'a new Delta column is added with ALTER TABLE; a dropped one forces a full resync',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/evolve', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 300)] });
    const effects = effectsFor(fixture);
    const options = { tableRoot: fixture.root, mysqlTable: 'evolve', keyColumns: ['id'] };
    await syncTable(effects, options);
    const wider = {
      ...SAMPLE_SCHEMA,
      fields: [...SAMPLE_SCHEMA.fields, { name: 'note', type: 'string', nullable: true, metadata: {} }],
    };
    await fixture.commit({
      schema: wider,
      add: [`SELECT *, 'note ' || id AS note FROM (${sampleRows(300, 400)})`],
    });
    const added = await syncTable(effects, options);
    assert.equal(added.mode, 'incremental');
    assert.equal(added.rowsUpserted, 100);
    const [columns] = await db.admin.query(
      "SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'evolve' AND COLUMN_NAME = 'note'",
    );
    assert.deepEqual(columns, [{ t: 'varchar(64)' }]);
    await assertEqualToDelta(fixture, 'evolve');
    const narrower = { ...SAMPLE_SCHEMA, fields: SAMPLE_SCHEMA.fields.filter((f) => f.name !== 'tags') };
    const current = (await fixture.snapshot()).files.map((file) => file.path);
    await fixture.commit({
      schema: narrower,
      remove: current,
      add: [`SELECT * EXCLUDE (tags) FROM (${sampleRows(0, 250)})`],
    });
    const resynced = await syncTable(effects, options);
    assert.equal(resynced.mode, 'full');
    assert.match(resynced.fallbackReason ?? '', /tags/);
    await assertEqualToDelta(fixture, 'evolve');
  },
);

test('a second sync of the same table fails fast with SYNC_LOCKED', { skip }, async () => {
  const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/locked', SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 10)] });
  const holder = await db.connect();
  try {
    await acquireSyncLock(holder, 'locked', 0);
    const started = Date.now();
    await assert.rejects(
      syncTable(effectsFor(fixture), { tableRoot: fixture.root, mysqlTable: 'locked', keyColumns: ['id'] }),
      (error) => isSyncError(error, 'SYNC_LOCKED'),
    );
    assert.ok(Date.now() - started < 5000);
  } finally {
    await holder.close();
  }
  const result = await syncTable(effectsFor(fixture), {
    tableRoot: fixture.root,
    mysqlTable: 'locked',
    keyColumns: ['id'],
  });
  assert.equal(result.rowsUpserted, 10);
});

test(
  'INSERT batches load the same table when LOAD DATA is not used; duplicate keys fail the row count check',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/inserts', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 700)] });
    const effects = effectsFor(fixture);
    const result = await syncTable(effects, {
      tableRoot: fixture.root,
      mysqlTable: 'inserts',
      keyColumns: ['id'],
      loadMethod: 'insert',
      batchRows: 100,
    });
    assert.equal(result.loadMethod, 'insert');
    await assertEqualToDelta(fixture, 'inserts');
    await fixture.commit({ add: [sampleRows(0, 5)] });
    await assert.rejects(
      syncTable(effects, { tableRoot: fixture.root, mysqlTable: 'inserts', keyColumns: ['id'], full: true }),
      (error) => isSyncError(error, 'ROW_COUNT_MISMATCH'),
    );
    const [tables] = await db.admin.query("SHOW TABLES LIKE 'inserts%'");
    assert.equal((tables as unknown[]).length, 1, 'the shadow table is gone, the old table still served');
    const [state] = await db.admin.query(
      "SELECT status, error_code FROM _lakehouse_sync_state WHERE table_name = 'inserts'",
    );
    assert.deepEqual(state, [{ status: 'failed', error_code: 'ROW_COUNT_MISMATCH' }]);
  },
);

test(
  'values MySQL would silently alter during LOAD DATA fail the load; the served table stays',
  { skip },
  async () => {
    const schema = {
      type: 'struct' as const,
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: {} },
        { name: 'ratio', type: 'double', nullable: false, metadata: {} },
      ],
    };
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/rejected', schema);
    await fixture.commit({ add: ['SELECT i::BIGINT AS id, i / 2.0 AS ratio FROM range(10) AS r(i)'] });
    const effects = effectsFor(fixture);
    const options = { tableRoot: fixture.root, mysqlTable: 'rejected', keyColumns: ['id'], full: true };
    await syncTable(effects, options);
    // NaN has no MySQL form: exported as NULL into a NOT NULL column, which LOAD DATA LOCAL would turn into 0.
    await fixture.commit({ add: ["SELECT 99::BIGINT AS id, 'NaN'::DOUBLE AS ratio"] });
    await assert.rejects(syncTable(effects, options), (error) => isSyncError(error, 'VALUES_REJECTED'));
    const [rows] = await db.admin.query('SELECT COUNT(*) AS n FROM rejected');
    assert.deepEqual(rows, [{ n: '10' }]);
  },
);

test(
  'a LOAD DATA that fails before reading the CSV pipe fails the sync without hanging the export',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/pipe', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 50_000)] });
    const connect = async () => {
      const client = await db.connect();
      return {
        ...client,
        loadLocalFile: async () => {
          throw new SyncError('MYSQL_QUERY_FAILED', 'refused for the test');
        },
      };
    };
    await assert.rejects(
      syncTable(
        { storage: fixture.storage, duckdb, connect },
        { tableRoot: fixture.root, mysqlTable: 'pipe', keyColumns: ['id'] },
      ),
      (error) => isSyncError(error, 'MYSQL_QUERY_FAILED'),
    );
    const result = await syncTable(effectsFor(fixture), {
      tableRoot: fixture.root,
      mysqlTable: 'pipe',
      keyColumns: ['id'],
    });
    assert.equal(result.rowsUpserted, 50_000);
  },
);

test(
  'a Delta table recreated at the same root is fully resynced, though its version is the same',
  { skip },
  async () => {
    const storage = new LocalLakeStorage(lakeDir);
    const effects: SyncEffects = { storage, duckdb, connect: db.connect };
    const root = 'tables/recreated';
    const options = { tableRoot: root, mysqlTable: 'recreated', keyColumns: ['id'] };
    const rows = (from: number, to: number) =>
      `SELECT range AS id, 'row ' || range AS name FROM range(${from}, ${to})`;
    await createTable({ storage, duckdb }, root, { data: rows(0, 100) });
    assert.equal((await syncTable(effects, options)).rowsUpserted, 100);
    // Dropped and created again (a rebuilt lake): version 0 once more, other rows, another table id.
    await rm(path.join(lakeDir, root), { recursive: true, force: true });
    await createTable({ storage, duckdb }, root, { data: rows(100, 150) });
    const result = await syncTable(effects, options);
    assert.equal(result.mode, 'full');
    assert.equal(result.rowsUpserted, 50);
    const [synced] = await db.admin.query(
      'SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM recreated',
    );
    assert.deepEqual(synced, [{ lo: '100', hi: '149', n: '50' }]);
  },
);
