// A Delta table with void (NullType) columns synced to MariaDB: the void column becomes a nullable VARCHAR(1) that
// stays NULL (a void struct field is a NULL member of the JSON), through a full load, an incremental sync and verify.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, verifyTable, type SyncEffects } from '../../pipelines/sync/index';
import { field, metaData, writeCommit, writeDataFile, type HandMadeLake } from '../delta/hand-made-table';
import { mariaDbSkipReason } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let lake: HandMadeLake;
let effects: SyncEffects;
const options = { tableRoot: 'voids', mysqlTable: 'voids', keyColumns: ['id'] };
const fields = [
  field('id', 'long'),
  field('label', 'string'),
  field('nothing', 'void'),
  field('s', { type: 'struct', fields: [field('a', 'integer'), field('gone', 'void')] }),
];

before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_void_test');
  const storage = new LocalLakeStorage(env.lakeDir);
  lake = { dir: env.lakeDir, storage, duckdb: env.duckdb, close: async () => {} };
  effects = { storage, duckdb: env.duckdb, connect: env.db.connect };
});
after(() => env?.close());

test('void columns sync as nullable, always-NULL MySQL columns', { skip }, async () => {
  const first = await writeDataFile(
    lake,
    'voids',
    'part-0.parquet',
    `SELECT * FROM (VALUES (1::BIGINT, 'one', {'a': 10::INTEGER}), (2, 'two', NULL)) AS t(id, label, s)`,
  );
  await writeCommit(lake, 'voids', 0, [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    metaData(fields),
    first,
  ]);
  assert.equal((await syncTable(effects, options)).mode, 'full');

  const second = await writeDataFile(
    lake,
    'voids',
    'part-1.parquet',
    `SELECT 3::BIGINT AS id, 'three' AS label, {'a': 30::INTEGER} AS s`,
  );
  await writeCommit(lake, 'voids', 1, [second]);
  assert.equal((await syncTable(effects, options)).mode, 'incremental');

  const verified = await verifyTable(effects, options);
  assert.deepEqual(verified.differences, []);
  assert.equal(verified.equal, true);
  const [columns] = (await env!.db.admin.query(
    `SELECT column_name AS name, column_type AS type, is_nullable AS nullable FROM information_schema.columns
     WHERE table_schema = DATABASE() AND table_name = 'voids' AND column_name = 'nothing'`,
  )) as unknown as [Record<string, string>[]];
  assert.deepEqual(columns, [{ name: 'nothing', type: 'varchar(1)', nullable: 'YES' }]);
  const [rows] = (await env!.db.admin.query(
    'SELECT id, label, nothing, CAST(s AS CHAR) AS s FROM voids ORDER BY id',
  )) as unknown as [Record<string, unknown>[]];
  assert.deepEqual(
    rows.map((row) => [
      String(row.id),
      row.label,
      row.nothing,
      row.s === null ? null : JSON.parse(String(row.s)),
    ]),
    [
      ['1', 'one', null, { a: 10, gone: null }],
      ['2', 'two', null, null],
      ['3', 'three', null, { a: 30, gone: null }],
    ],
  );
});
