// MariaDB (the front end's MySQL) stopped for real in the middle of a sync and started again: the sync fails with
// a clear error, the status says so, and the next sync converges (verify: MySQL equals the Delta snapshot).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import {
  connectMySql,
  isSyncError,
  readSyncStatus,
  syncTable,
  verifyTable,
  type SyncEffects,
} from '../../pipelines/sync/index';
import { createDeltaFixture } from '../sync/delta-fixture';
import { SAMPLE_SCHEMA, sampleRows } from '../sync/sample-table';
import { MARIADB_URL, startMariadbAndWait, stopMariadb } from './service-control';

const name = `mariadb_restart_${process.pid}_${Date.now().toString(36)}`;
const url = `${MARIADB_URL}${name}`;
let duckdb: DuckDbSession;
let lakeDir: string;

async function asRoot(sql: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: MARIADB_URL });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

before(async () => {
  await asRoot(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  duckdb = await createDuckDbSession();
  lakeDir = await mkdtemp(path.join(tmpdir(), 'mariadb-restart-'));
});
after(async () => {
  await startMariadbAndWait();
  await asRoot(`DROP DATABASE IF EXISTS \`${name}\``);
  duckdb.close();
  await rm(lakeDir, { recursive: true, force: true });
});

test('MariaDB restarted during a sync: a clear failure, then the next sync converges', async () => {
  const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/restarted', SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 2000)] });
  const options = { tableRoot: fixture.root, mysqlTable: 'restarted', keyColumns: ['id'], batchRows: 100 };
  const connect = () => connectMySql(url);
  await syncTable({ storage: fixture.storage, duckdb, connect }, options);
  await fixture.commit({ add: [sampleRows(2000, 3000)] });

  let stopped = false;
  const effects: SyncEffects = {
    storage: fixture.storage,
    duckdb,
    connect,
    async beforeBatch(batch) {
      if (batch.index === 3 && !stopped) {
        stopped = true;
        await stopMariadb();
      }
    },
  };
  let failure: unknown;
  try {
    await syncTable(effects, options);
  } catch (error) {
    failure = error;
  } finally {
    await startMariadbAndWait();
  }
  assert.ok(stopped, 'MariaDB was stopped mid-sync');
  assert.ok(
    isSyncError(failure, 'MYSQL_CONNECTION_LOST') || isSyncError(failure, 'MYSQL_UNREACHABLE'),
    `a clear sync error, got: ${String(failure)}`,
  );
  assert.match((failure as Error).message, /MySQL/);

  const [status] = await readSyncStatus(
    { storage: fixture.storage, duckdb, connect },
    { tables: ['restarted'] },
  );
  assert.equal(status?.syncedVersion, 0, 'the state still names the last complete sync');
  assert.notEqual(status?.state, 'in-sync');

  const rerun = await syncTable({ storage: fixture.storage, duckdb, connect }, options);
  assert.equal(rerun.version, 1);
  const verified = await verifyTable(
    { storage: fixture.storage, duckdb, connect },
    { tableRoot: fixture.root, mysqlTable: 'restarted', keyColumns: ['id'], version: 1 },
  );
  assert.equal(verified.equal, true);
  assert.deepEqual(verified.differences, []);
  const [healthy] = await readSyncStatus(
    { storage: fixture.storage, duckdb, connect },
    { tables: ['restarted'] },
  );
  assert.equal(healthy?.state, 'in-sync');
});
