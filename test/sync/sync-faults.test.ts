// Faults against the machine's MariaDB: the sync connection killed mid-batch and inside the last batch's
// transaction, a sync aborted by its run's signal, MariaDB unreachable (before and during a sync, through a cut
// TCP proxy), a Delta restore, and an old version whose files were vacuumed.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import { after, before, test } from 'node:test';
import { readSnapshotRows } from '../../pipelines/delta/index';
import type { DuckDbSession } from '../../pipelines/engine/duckdb-session';
import {
  connectMySql,
  isSyncError,
  readSyncStatus,
  syncTable,
  verifyTable,
  type SyncEffects,
} from '../../pipelines/sync/index';
import { createDeltaFixture, type DeltaFixture } from './delta-fixture';
import { mariaDbSkipReason, type TestDatabase } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';
import { SAMPLE_SCHEMA, sampleRows } from './sample-table';
import { findClosedPort, startTcpProxy } from './tcp-proxy';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let duckdb: DuckDbSession;
let db: TestDatabase;
let lakeDir: string;
before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_faults_test');
  ({ duckdb, db, lakeDir } = env);
});
after(() => env?.close());

const urlThrough = (port: number) => db.url.replace(/:\d+\//, `:${port}/`);

/** Row for row: MySQL's (id, name, amount, day) equal the snapshot's; then the full checksum comparison. */
async function assertTableEqualsSnapshot(fixture: DeltaFixture, table: string) {
  const snapshot = await fixture.snapshot();
  const expected = (await readSnapshotRows({ storage: fixture.storage, duckdb }, snapshot))
    .map((row) => [String(row.id), row.name ?? null, String(row.amount), String(row.day)])
    .sort((a, b) => Number(a[0]) - Number(b[0]));
  const [rows] = await db.admin.query(`SELECT id, name, amount, day FROM \`${table}\` ORDER BY id`);
  const actual = (rows as Record<string, unknown>[]).map((row) => [row.id, row.name, row.amount, row.day]);
  assert.deepEqual(actual, expected);
  const verified = await verifyTable(
    { storage: fixture.storage, duckdb, connect: db.connect },
    { tableRoot: fixture.root, mysqlTable: table, keyColumns: ['id'], version: snapshot.version },
  );
  assert.deepEqual(verified.differences, []);
  assert.equal(verified.equal, true);
}

async function readState(table: string) {
  const [rows] = await db.admin.query('SELECT * FROM _lakehouse_sync_state WHERE table_name = ?', [table]);
  return (rows as Record<string, unknown>[])[0];
}

/**
 * A 3,000-row table synced at v0 in batches of 100, then v1: rows 0-1999 changed and, unless `keepTail`,
 * rows 2500-2999 deleted; MySQL still holds v0.
 */
async function syncedThenChanged(table: string, keepTail = false) {
  const fixture = await createDeltaFixture(duckdb, lakeDir, `tables/${table}`, SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 3000)] });
  const options = { tableRoot: fixture.root, mysqlTable: table, keyColumns: ['id'], batchRows: 100 };
  await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
  const [file] = (await fixture.snapshot()).files.map((f) => f.path);
  const kept = keepTail ? 'id >= 2000' : 'id BETWEEN 2000 AND 2499';
  await fixture.rewrite(
    file as string,
    (f) => `SELECT * FROM (${sampleRows(0, 2000, 1)}) UNION ALL SELECT * FROM ${f} WHERE ${kept}`,
  );
  return { fixture, options };
}

test(
  'sync connection KILLed mid-batch: the rerun converges, even after Delta moved on',
  { skip },
  async () => {
    const { fixture, options } = await syncedThenChanged('killed');
    let killed = false;
    const effects: SyncEffects = {
      storage: fixture.storage,
      duckdb,
      connect: db.connect,
      async beforeBatch(batch) {
        if (batch.index === 12 && !killed) {
          killed = true;
          // Not awaited: the KILL lands while the sync sends the batch.
          void db.admin.query(`KILL ${batch.client.threadId}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    };
    await assert.rejects(syncTable(effects, options), (error) => isSyncError(error, 'MYSQL_CONNECTION_LOST'));
    const state = await readState('killed');
    assert.equal(state?.status, 'failed');
    assert.equal(state?.error_code, 'MYSQL_CONNECTION_LOST');
    assert.equal(state?.delta_version, '0');
    assert.equal(state?.pending_version, '1');
    // v2 puts rows 0-99 back as they were at v0: a naive v0→v2 diff would skip them although MySQL has v1 values.
    const [changed] = (await fixture.snapshot()).files.map((f) => f.path);
    await fixture.rewrite(
      changed as string,
      (f) => `SELECT * FROM (${sampleRows(0, 100)}) UNION ALL SELECT * FROM ${f} WHERE id >= 100`,
    );
    const rerun = await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
    assert.equal(rerun.mode, 'incremental');
    assert.equal(rerun.version, 2);
    await assertTableEqualsSnapshot(fixture, 'killed');
    const after = await readState('killed');
    assert.equal(after?.status, 'succeeded');
    assert.equal(after?.pending_version, null);
  },
);

test(
  'sync connection KILLed inside the last batch, before its state row commits: nothing of the batch or the new version stays, and the rerun converges',
  { skip },
  async () => {
    const { fixture, options } = await syncedThenChanged('killed_last');
    // A second connection holds the state row, so the sync's last transaction (final batch, then the state
    // update) blocks inside its state UPDATE; the KILL then lands mid-transaction, deterministically.
    const holder = await mysql.createConnection({ uri: db.url });
    let lastBatchSql: string | null = null;
    let killedThread = 0;
    const effects: SyncEffects = {
      storage: fixture.storage,
      duckdb,
      connect: db.connect,
      async beforeBatch(batch) {
        if (batch.index !== 0) return;
        await holder.query('START TRANSACTION');
        await holder.query('SELECT * FROM _lakehouse_sync_state WHERE table_name = ? FOR UPDATE', [
          'killed_last',
        ]);
        const threadId = batch.client.threadId;
        void (async () => {
          for (let i = 0; i < 500 && !killedThread; i += 1) {
            const [rows] = await db.admin.query(
              `SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE '%_lakehouse_sync_state%'`,
              [threadId],
            );
            const waiting = (rows as { INFO: string }[])[0];
            if (waiting) {
              lastBatchSql = waiting.INFO;
              killedThread = threadId;
              await db.admin.query(`KILL ${threadId}`);
              // Let go at once: the failed sync records its failure in this row with a fresh connection.
              await holder.query('ROLLBACK');
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
      },
    };
    try {
      await assert.rejects(syncTable(effects, options), (error) =>
        isSyncError(error, 'MYSQL_CONNECTION_LOST'),
      );
    } finally {
      await holder.end();
    }
    assert.ok(killedThread > 0, 'the sync never reached its state update');
    assert.match(String(lastBatchSql), /_lakehouse_sync_state/);
    const state = await readState('killed_last');
    assert.equal(state?.status, 'failed');
    assert.equal(state?.delta_version, '0');
    assert.equal(state?.pending_version, '1');
    // The final batch rolled back with the state update: some v1 upserts are missing (their rows still hold v0
    // values), which a committed state row would have hidden from the rerun.
    const verified = await verifyTable(
      { storage: fixture.storage, duckdb, connect: db.connect },
      { tableRoot: fixture.root, mysqlTable: 'killed_last', keyColumns: ['id'], version: 1 },
    );
    assert.equal(verified.equal, false);
    assert.ok(verified.differences.length > 0 && verified.differences.length <= 100);
    const rerun = await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
    assert.equal(rerun.mode, 'incremental');
    assert.equal(rerun.version, 1);
    await assertTableEqualsSnapshot(fixture, 'killed_last');
  },
);

test(
  "an aborted sync (a run's timeout) kills its MySQL connection at once; the state says so and the rerun converges",
  { skip },
  async () => {
    const { fixture, options } = await syncedThenChanged('aborted', true);
    const controller = new AbortController();
    let threadId = 0;
    const effects: SyncEffects = {
      storage: fixture.storage,
      duckdb,
      connect: db.connect,
      signal: controller.signal,
      async beforeBatch(batch) {
        if (batch.index !== 5) return;
        threadId = batch.client.threadId;
        controller.abort(new Error('Timed out after 1 s'));
        // The abort, not this test, ends the connection: wait until the server has dropped it.
        for (let i = 0; i < 100; i += 1) {
          const [rows] = await db.admin.query('SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?', [
            threadId,
          ]);
          if ((rows as unknown[]).length === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error('the aborted sync kept its MySQL connection');
      },
    };
    await assert.rejects(syncTable(effects, options), (error) => {
      assert.ok(isSyncError(error, 'SYNC_ABORTED'), String(error));
      assert.match((error as Error).message, /Timed out after 1 s/);
      return true;
    });
    assert.ok(threadId > 0);
    const state = await readState('aborted');
    assert.equal(state?.status, 'failed');
    assert.equal(state?.error_code, 'SYNC_ABORTED');
    assert.equal(state?.delta_version, '0');
    assert.equal(state?.pending_version, '1');
    const rerun = await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
    assert.equal(rerun.mode, 'incremental');
    assert.equal(rerun.version, 1);
    await assertTableEqualsSnapshot(fixture, 'aborted');
  },
);

test('MariaDB unreachable before a sync: a clear error and nothing changes', { skip }, async () => {
  const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/unreachable', SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 100)] });
  const options = { tableRoot: fixture.root, mysqlTable: 'unreachable', keyColumns: ['id'] };
  await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
  await fixture.commit({ add: [sampleRows(100, 200)] });
  const before = await readState('unreachable');
  const port = await findClosedPort();
  await assert.rejects(
    syncTable({ storage: fixture.storage, duckdb, connect: () => connectMySql(urlThrough(port)) }, options),
    (error) =>
      isSyncError(error, 'MYSQL_UNREACHABLE') &&
      /Cannot reach MySQL at mysql:\/\/127\.0\.0\.1/.test(error.message),
  );
  assert.deepEqual(await readState('unreachable'), before);
  const [count] = await db.admin.query('SELECT COUNT(*) AS n FROM unreachable');
  assert.deepEqual(count, [{ n: '100' }]);
});

test(
  'MariaDB lost during a sync: status says failed once reachable, and the rerun converges',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/lost', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 2000)] });
    const options = { tableRoot: fixture.root, mysqlTable: 'lost', keyColumns: ['id'], batchRows: 100 };
    await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
    await fixture.commit({ add: [sampleRows(2000, 3000)] });
    const proxy = await startTcpProxy('127.0.0.1', Number(new URL(db.url).port || 3306));
    const effects: SyncEffects = {
      storage: fixture.storage,
      duckdb,
      connect: () => connectMySql(urlThrough(proxy.port)),
      async beforeBatch(batch) {
        if (batch.index === 3) await proxy.cut();
      },
    };
    await assert.rejects(syncTable(effects, options), (error) => isSyncError(error, 'MYSQL_CONNECTION_LOST'));
    const [status] = await readSyncStatus(
      { storage: fixture.storage, duckdb, connect: db.connect },
      { tables: ['lost'] },
    );
    assert.equal(status?.state, 'failed');
    assert.equal(status?.lastErrorCode, 'INTERRUPTED');
    assert.equal(status?.syncedVersion, 0);
    const rerun = await syncTable({ storage: fixture.storage, duckdb, connect: db.connect }, options);
    assert.equal(rerun.version, 1);
    await assertTableEqualsSnapshot(fixture, 'lost');
    const [healthy] = await readSyncStatus(
      { storage: fixture.storage, duckdb, connect: db.connect },
      { tables: ['lost'] },
    );
    assert.equal(healthy?.state, 'in-sync');
    assert.equal(healthy?.lastError, null);
  },
);

test(
  'a Delta restore to an earlier version: the next sync makes MySQL equal the restored snapshot',
  { skip },
  async () => {
    const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/restored', SAMPLE_SCHEMA);
    await fixture.commit({ add: [sampleRows(0, 1000), sampleRows(1000, 1500)] });
    const effects: SyncEffects = { storage: fixture.storage, duckdb, connect: db.connect };
    const options = { tableRoot: fixture.root, mysqlTable: 'restored', keyColumns: ['id'] };
    await syncTable(effects, options);
    const files = (await fixture.snapshot()).files.map((f) => f.path).sort();
    await fixture.rewrite(
      files[1] as string,
      (f) => `SELECT * FROM (${sampleRows(1000, 1200, 3)}) UNION ALL SELECT * FROM ${f} WHERE id >= 1400`,
    );
    await fixture.commit({ add: [sampleRows(5000, 5100)] });
    await syncTable(effects, options);
    await assertTableEqualsSnapshot(fixture, 'restored');
    await fixture.restore(0);
    const result = await syncTable(effects, options);
    assert.equal(result.mode, 'incremental');
    assert.equal(result.rowsDeleted, 100);
    await assertTableEqualsSnapshot(fixture, 'restored');
  },
);

test('an old version whose files were vacuumed falls back to a full resync', { skip }, async () => {
  const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/vacuumed', SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 500)] });
  const effects: SyncEffects = { storage: fixture.storage, duckdb, connect: db.connect };
  const options = { tableRoot: fixture.root, mysqlTable: 'vacuumed', keyColumns: ['id'] };
  await syncTable(effects, options);
  const [file] = (await fixture.snapshot()).files.map((f) => f.path);
  await fixture.rewrite(file as string, (f) => `SELECT * FROM ${f} WHERE id < 400`);
  await rm(fixture.localPath(file as string));
  const result = await syncTable(effects, options);
  assert.equal(result.mode, 'full');
  assert.match(result.fallbackReason ?? '', /no longer readable/);
  await assertTableEqualsSnapshot(fixture, 'vacuumed');
});
