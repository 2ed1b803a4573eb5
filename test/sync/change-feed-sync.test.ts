// The sync reads a change-data-feed table's changes from its cdc files: several merges between two syncs (a key
// updated then deleted, deleted then inserted again, partitioned and not, copy-on-write and deletion vectors),
// appends and an optimize in between; MySQL equals Delta after each. A commit that removes rows without change
// files, a table without the feed, a vacuumed change file and `changeFeed: false` take the file diff instead, with
// the same result. Against the machine's MariaDB (a temp database).

import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import type { DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, verifyTable, type SyncEffects, type SyncTableOptions } from '../../pipelines/sync/index';
import { mariaDbSkipReason, type TestDatabase } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let duckdb: DuckDbSession;
let db: TestDatabase;
let effects: SyncEffects;
before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('change_feed_sync');
  ({ duckdb, db } = env);
  effects = { storage: new LocalLakeStorage(env.lakeDir), duckdb, connect: db.connect };
});
after(() => env?.close());

const CDF = { 'delta.enableChangeDataFeed': 'true' };
const SEED = `SELECT range::BIGINT AS id, 'n' || range AS name, (range % 4)::INTEGER AS grp FROM range(0, 400)`;
const rows = (values: string): string =>
  `SELECT id::BIGINT AS id, name::VARCHAR AS name, grp::INTEGER AS grp, gone FROM (VALUES ${values}) s(id, name, grp, gone)`;

async function assertEqual(options: SyncTableOptions): Promise<void> {
  const result = await verifyTable(effects, options);
  assert.deepEqual(result.differences, []);
  assert.equal(result.equal, true);
}

async function mergeRows(root: string, values: string): Promise<void> {
  await merge(effects, root, rows(values), { keys: ['id'], deleteColumn: 'gone' });
}

for (const [label, properties, partitionColumns] of [
  ['copy-on-write', CDF, []],
  ['deletion vectors', { ...CDF, 'delta.enableDeletionVectors': 'true' }, []],
  ['deletion vectors, partitioned', { ...CDF, 'delta.enableDeletionVectors': 'true' }, ['grp']],
] as const) {
  test(`merges on a feed table (${label}) sync from the change data feed`, { skip }, async () => {
    const table = `feed_${label.replace(/[^a-z]+/g, '_')}`;
    const root = `tables/${table}`;
    await createTable(effects, root, {
      data: SEED,
      properties,
      partitionColumns: [...partitionColumns],
      layout: { sortBy: ['id'], rowsPerFile: 100 },
    });
    const options = { tableRoot: root, mysqlTable: table, keyColumns: ['id'] };
    assert.equal((await syncTable(effects, options)).mode, 'full');
    // 5 updated then deleted; 6 deleted then inserted again; 7 updated twice; 8 moves partition; 500 inserted.
    await mergeRows(root, `(5, 'five', 1, false), (6, NULL, NULL, true), (7, 'seven', 3, false)`);
    await mergeRows(root, `(5, NULL, NULL, true), (6, 'six again', 2, false), (7, 'SEVEN', 3, false)`);
    await append(effects, root, `SELECT 900::BIGINT AS id, 'appended' AS name, 0 AS grp`);
    await optimize(effects, root);
    await mergeRows(root, `(8, 'eight', 1, false), (500, 'five hundred', 0, false), (9, NULL, NULL, true)`);
    const result = await syncTable(effects, options);
    assert.equal(result.mode, 'incremental');
    assert.equal(result.changeSource, 'feed');
    // Upserts: 6, 7, 8, 500, 900; deletes: 5, 9.
    assert.equal(result.rowsUpserted, 5);
    assert.equal(result.rowsDeleted, 2);
    await assertEqual(options);
  });
}

test(
  'a commit removing rows without change files, or a table without the feed, takes the file diff',
  { skip },
  async () => {
    const root = 'tables/feed_overwritten';
    await createTable(effects, root, { data: SEED, properties: CDF });
    const options = { tableRoot: root, mysqlTable: 'feed_overwritten', keyColumns: ['id'] };
    await syncTable(effects, options);
    await mergeRows(root, `(1, 'one', 1, false)`);
    // Without deletion vectors an overwrite writes no change files (its removes are exact), so the range is not
    // readable from the feed alone.
    await overwrite(
      effects,
      root,
      `SELECT range::BIGINT AS id, 'o' || range AS name, 1 AS grp FROM range(0, 300)`,
    );
    const result = await syncTable(effects, options);
    assert.equal(result.mode, 'incremental');
    assert.equal(result.changeSource, 'files');
    await assertEqual(options);

    const plain = 'tables/no_feed';
    await createTable(effects, plain, { data: SEED });
    const plainOptions = { tableRoot: plain, mysqlTable: 'no_feed', keyColumns: ['id'] };
    await syncTable(effects, plainOptions);
    await mergeRows(plain, `(1, 'one', 1, false), (2, NULL, NULL, true)`);
    const plainResult = await syncTable(effects, plainOptions);
    assert.equal(plainResult.changeSource, 'files');
    assert.equal(plainResult.rowsUpserted, 1);
    assert.equal(plainResult.rowsDeleted, 1);
    await assertEqual(plainOptions);
  },
);

test('a vacuumed change file, or changeFeed: false, diffs files with the same result', { skip }, async () => {
  const root = 'tables/feed_vacuumed';
  await createTable(effects, root, { data: SEED, properties: CDF });
  const options = { tableRoot: root, mysqlTable: 'feed_vacuumed', keyColumns: ['id'] };
  await syncTable(effects, options);
  await mergeRows(root, `(1, 'one', 1, false), (2, NULL, NULL, true)`);
  const dir = path.join(env?.lakeDir ?? '', root, '_change_data');
  for (const name of await readdir(dir)) await rm(path.join(dir, name));
  const result = await syncTable(effects, options);
  assert.equal(result.changeSource, 'files');
  assert.equal(result.rowsUpserted, 1);
  assert.equal(result.rowsDeleted, 1);
  await assertEqual(options);
  await mergeRows(root, `(3, 'three', 1, false)`);
  const off = await syncTable(effects, { ...options, changeFeed: false });
  assert.equal(off.changeSource, 'files');
  assert.equal(off.rowsUpserted, 1);
  await assertEqual(options);
});
