// Status (versions, lag, counts, state) and verify (count + per-key checksums) against MariaDB, and the CLI.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { runSyncCli } from '../../pipelines/cli/sync';
import type { DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { readSyncStatus, syncTable, verifyTable, type SyncEffects } from '../../pipelines/sync/index';
import { createDeltaFixture, type DeltaFixture } from './delta-fixture';
import { mariaDbSkipReason, type TestDatabase } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';
import { SAMPLE_SCHEMA, sampleRows } from './sample-table';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let duckdb: DuckDbSession;
let db: TestDatabase;
let lakeDir: string;
let fixture: DeltaFixture;
let effects: SyncEffects;
const options = { tableRoot: 'tables/permits', mysqlTable: 'permits', keyColumns: ['id'] };

before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_status_test');
  ({ duckdb, db, lakeDir } = env);
  fixture = await createDeltaFixture(duckdb, lakeDir, options.tableRoot, SAMPLE_SCHEMA);
  await fixture.commit({ add: [sampleRows(0, 400)] });
  effects = { storage: fixture.storage, duckdb, connect: db.connect };
});
after(() => env?.close());

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

test(
  'status: in sync after a sync, lagging with versions and minutes after new commits',
  { skip },
  async () => {
    const started = Date.now();
    const result = await syncTable(effects, options);
    const [synced] = await readSyncStatus(effects);
    assert.equal(synced?.state, 'in-sync');
    // The name the catalog lists the Delta table under (pipelines/definition/table-roots.ts).
    assert.equal(synced?.deltaTableName, 'permits');
    assert.equal(synced?.running, false);
    assert.equal(synced?.lastRowsUpserted, 400);
    assert.equal(synced?.lastRowsDeleted, 0);
    assert.equal(synced?.lastDurationMs, result.durationMs);
    const syncedAt = Date.parse(synced?.lastSyncedAt ?? '');
    assert.ok(syncedAt >= started - 1000 && syncedAt <= Date.now() + 1000, String(synced?.lastSyncedAt));
    assert.equal(synced?.lastError, null);
    assert.equal(synced?.syncedVersion, 0);
    assert.equal(synced?.lagVersions, 0);
    assert.equal(synced?.lagMinutes, 0);
    assert.equal(synced?.deltaRows, 400);
    assert.equal(synced?.mysqlRows, 400);
    assert.equal(synced?.lastMode, 'full');
    await fixture.commit({ add: [sampleRows(400, 450)] });
    await fixture.commit({ add: [sampleRows(450, 460)] });
    const later = new Date(Date.now() + 5 * 60_000);
    const [lagging] = await readSyncStatus({ ...effects, now: () => later });
    assert.equal(lagging?.state, 'lagging');
    assert.equal(lagging?.latestVersion, 2);
    assert.equal(lagging?.lagVersions, 2);
    assert.ok(
      (lagging?.lagMinutes ?? 0) >= 4.9 && (lagging?.lagMinutes ?? 0) < 6,
      String(lagging?.lagMinutes),
    );
    assert.equal(lagging?.deltaRows, 460);
    assert.equal(lagging?.mysqlRows, 400);
  },
);

test('verify lists the keys that differ: missing, extra and changed rows', { skip }, async () => {
  await syncTable(effects, options);
  assert.equal((await verifyTable(effects, options)).equal, true);
  await db.admin.query('DELETE FROM permits WHERE id = 7');
  await db.admin.query("UPDATE permits SET name = 'tampered' WHERE id = 8");
  await db.admin.query("UPDATE permits SET ts = '2000-01-01 00:00:00' WHERE id = 9");
  await db.admin.query('INSERT INTO permits (id) VALUES (100000)');
  const result = await verifyTable(effects, options);
  assert.equal(result.equal, false);
  assert.equal(result.deltaRows, 460);
  assert.equal(result.mysqlRows, 460);
  const sorted = [...result.differences].sort((a, b) => Number(a.key[0]) - Number(b.key[0]));
  assert.deepEqual(sorted, [
    { key: ['7'], issue: 'missing-in-mysql' },
    { key: ['8'], issue: 'different-values' },
    { key: ['9'], issue: 'different-values' },
    { key: ['100000'], issue: 'extra-in-mysql' },
  ]);
  const full = await syncTable(effects, { ...options, full: true });
  assert.equal(full.mode, 'full');
  assert.equal((await verifyTable(effects, options)).equal, true);
});

test('CLI: run, status and verify print results and exit codes', { skip }, async () => {
  const env = { LAKE_ROOT: lakeDir, MYSQL_URL: db.url };
  await fixture.commit({ add: [sampleRows(1000, 1010)] });
  const out = capture();
  const err = capture();
  const io = { stdout: out.stream, stderr: err.stream };
  assert.equal(
    await runSyncCli(['run', options.tableRoot, '--mysql-table', 'permits', '--key', 'id'], io, env),
    0,
  );
  assert.match(out.text(), /permits: incremental sync v2 → v3, 10 upserted, 0 deleted/);
  assert.equal(await runSyncCli(['status'], io, env), 0);
  assert.match(out.text(), /permits: in-sync/);
  assert.equal(
    await runSyncCli(['verify', options.tableRoot, '--mysql-table', 'permits', '--key', 'id'], io, env),
    0,
  );
  assert.match(out.text(), /equal \(Delta 470 rows, MySQL 470 rows\)/);
  // The short form finds the Delta root and key in the sync state, and still sees a difference.
  await db.admin.query('UPDATE permits SET name = ? WHERE id = 1005', ['changed behind the sync']);
  assert.equal(await runSyncCli(['verify', 'permits'], io, env), 1);
  assert.match(
    out.text(),
    /permits vs Delta v3: DIFFERENT \(Delta 470 rows, MySQL 470 rows\)\n {2}different-values: \["1005"\]/,
  );
  assert.equal(await runSyncCli(['verify', 'never_synced'], io, env), 2);
  assert.match(err.text(), /'never_synced' has never been synced into this database .*\(TABLE_NOT_SYNCED\)/);
  assert.equal(await runSyncCli(['run', options.tableRoot], io, env), 2);
  assert.match(err.text(), /needs --mysql-table and --key/);
});
