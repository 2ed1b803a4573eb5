// A table written the way the CDC writes it (deletion vectors on) syncs into MySQL: full load, then a merge that
// marks updated and deleted rows in deletion vectors, then an incremental sync; MySQL equals Delta afterwards.
// Against the machine's MariaDB (a temp database); fails instead of skipping under CI.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { CDC_TABLE_PROPERTIES } from '../../pipelines/cdc/apply-run';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, verifyTable, type SyncEffects } from '../../pipelines/sync/index';
import { createTestDatabase, isMySqlAvailable, type TestDatabase } from '../sync/mysql-test-db';

const available = await isMySqlAvailable();
if (!available && process.env.CI)
  throw new Error('MariaDB is not reachable at 127.0.0.1:3306 (required under CI)');
const skip = available ? false : 'MariaDB is not reachable at 127.0.0.1:3306';

let duckdb: DuckDbSession;
let db: TestDatabase;
let dir: string;
let effects: SyncEffects;
before(async () => {
  if (skip) return;
  duckdb = await createDuckDbSession();
  db = await createTestDatabase('dv_sync_test');
  dir = await mkdtemp(path.join(tmpdir(), 'dv-sync-test-'));
  effects = { storage: new LocalLakeStorage(dir), duckdb, connect: db.connect };
});
after(async () => {
  if (skip) return;
  duckdb.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

test('a DV merge syncs incrementally and MySQL equals Delta', { skip }, async () => {
  const root = 'tables/dv_items';
  const write = { storage: effects.storage, duckdb };
  await createTable(write, root, {
    data: `SELECT range::BIGINT AS id, 'n' || range AS name FROM range(0, 2000)`,
    properties: { ...CDC_TABLE_PROPERTIES },
  });
  const options = { tableRoot: root, mysqlTable: 'dv_items', keyColumns: ['id'] };
  const first = await syncTable(effects, options);
  assert.equal(first.rowsUpserted, 2000);
  const updates = Array.from({ length: 30 }, (_, i) => `(${i * 50}, 'changed', false)`);
  await merge(
    write,
    root,
    `SELECT * FROM (VALUES ${updates.join(', ')}, (7, NULL, true), (9000, 'new', false)) s(id, name, gone)`,
    { keys: ['id'], deleteColumn: 'gone' },
  );
  const snapshot = await loadSnapshot(write, root);
  assert.ok(snapshot.files.some((file) => file.deletionVector));
  const second = await syncTable(effects, options);
  assert.equal(second.mode, 'incremental');
  assert.equal(second.rowsDeleted, 1);
  assert.equal(second.rowsUpserted, 31);
  const verified = await verifyTable(effects, options);
  assert.deepEqual(verified.differences, []);
  assert.equal(verified.equal, true);
  assert.equal(verified.mysqlRows, 2000);
});
