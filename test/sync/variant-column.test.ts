// A Delta table with variant columns synced to MariaDB: each variant (top level, and inside a struct, an array and
// a map) lands as its JSON text in a JSON column; a SQL NULL stays NULL, a variant null is JSON null; through a full
// load, an incremental sync and verify.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, verifyTable, type SyncEffects } from '../../pipelines/sync/index';
import { writeCommit, writeDataFile, type HandMadeLake } from '../delta/hand-made-table';
import { toVariantStructLiteral as variant, v } from '../delta/variant-encoding';
import { VARIANT_EXPECTED_ROWS, writeVariantTable } from '../delta/variant-table';
import { mariaDbSkipReason } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';

const skip = await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let lake: HandMadeLake;
let effects: SyncEffects;
const options = { tableRoot: 'variants', mysqlTable: 'variants', keyColumns: ['id'] };

before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_variant_test');
  const storage = new LocalLakeStorage(env.lakeDir);
  lake = { dir: env.lakeDir, storage, duckdb: env.duckdb, close: async () => {} };
  effects = { storage, duckdb: env.duckdb, connect: env.db.connect };
});
after(() => env?.close());

/** Parses JSON text, so the comparison does not depend on MariaDB's spacing. */
const parse = (text: unknown) => (text === null ? null : JSON.parse(String(text)));

test('variant columns sync as MySQL JSON columns holding their JSON text', { skip }, async () => {
  await writeVariantTable(lake, 'variants');
  assert.equal((await syncTable(effects, options)).mode, 'full');

  const added = await writeDataFile(
    lake,
    'variants',
    'part-1.parquet',
    `SELECT 4::BIGINT AS id, ${variant(v.array([v.float(0.1), v.binary(new Uint8Array([255]))]))} AS v`,
  );
  await writeCommit(lake, 'variants', 1, [added]);
  assert.equal((await syncTable(effects, options)).mode, 'incremental');

  const verified = await verifyTable(effects, options);
  assert.deepEqual(verified.differences, []);
  assert.equal(verified.equal, true);
  const [columns] = (await env!.db.admin.query(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = DATABASE() AND table_name = 'variants' ORDER BY ordinal_position`,
  )) as unknown as [Record<string, string>[]];
  // MariaDB's JSON is LONGTEXT with a JSON_VALID check; MySQL's its own type.
  assert.deepEqual(
    columns.map((column) => [column.name, column.type]),
    [
      ['id', 'bigint'],
      ['v', 'longtext'],
      ['s', 'longtext'],
      ['a', 'longtext'],
      ['m', 'longtext'],
    ],
  );
  const [rows] = (await env!.db.admin.query(
    `SELECT id, CAST(v AS CHAR) AS v, CAST(s AS CHAR) AS s, CAST(a AS CHAR) AS a, CAST(m AS CHAR) AS m,
       JSON_VALUE(v, '$.uid') AS uid, JSON_TYPE(v) AS v_type FROM variants ORDER BY id`,
  )) as unknown as [Record<string, unknown>[]];
  const expected = VARIANT_EXPECTED_ROWS.map((row) => ({
    id: row.id,
    v: row.v === null ? null : JSON.parse(row.v),
    s: row.s === null ? null : { name: row.s.name, payload: parse(row.s.payload) },
    a: row.a === null ? null : row.a.map(parse),
    m: row.m === null ? null : Object.fromEntries(row.m.map((entry) => [entry.key, JSON.parse(entry.value)])),
  }));
  expected.push({ id: '4', v: [0.1, '/w=='], s: null, a: null, m: null });
  assert.deepEqual(
    rows.map((row) => ({
      id: String(row.id),
      v: parse(row.v),
      s: parse(row.s),
      a: parse(row.a),
      m: parse(row.m),
    })),
    expected,
  );
  // The JSON is JSON to MariaDB: paths reach inside, and a variant null is JSON null, not SQL NULL.
  assert.deepEqual(
    rows.map((row) => [row.uid, row.v_type]),
    [
      ['123e4567-e89b-12d3-a456-426614174000', 'OBJECT'],
      [null, null],
      [null, 'NULL'],
      [null, 'ARRAY'],
    ],
  );
});
