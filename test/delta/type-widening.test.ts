// Type widening: the protocol's allowed changes, `delta.typeChanges` validation, and a hand-made table whose first
// file was written before its columns were widened (top level, in structs, arrays and maps, and a date partition
// widened to timestamp_ntz), read through native DuckDB next to a file written after.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import { buildPhysicalTree } from '../../pipelines/delta/physical-schema';
import { planScan, readSnapshotRows } from '../../pipelines/delta/scan';
import { buildScanSql } from '../../pipelines/delta/scan-sql';
import type { StructType } from '../../pipelines/delta/schema';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import {
  assertTypeChangesSupported,
  isSupportedTypeChange,
  readTypeChanges,
} from '../../pipelines/delta/type-widening';
import { field, openHandMadeLake, type HandMadeLake } from './hand-made-table';
import { writeWidenedTable } from './widened-table';

test('the protocol allows exactly its widenings', () => {
  const allowed: [string, string][] = [
    ['byte', 'short'],
    ['byte', 'long'],
    ['short', 'integer'],
    ['integer', 'long'],
    ['float', 'double'],
    ['integer', 'double'],
    ['date', 'timestamp_ntz'],
    ['decimal(5,2)', 'decimal(10,4)'],
    ['decimal(5,2)', 'decimal(7,2)'],
    ['integer', 'decimal(10,0)'],
    ['short', 'decimal(12,2)'],
    ['long', 'decimal(20,0)'],
    ['void', 'string'],
  ];
  for (const [from, to] of allowed) assert.ok(isSupportedTypeChange(from, to), `${from} → ${to}`);
  const refused: [string, string][] = [
    ['long', 'integer'],
    ['long', 'double'],
    ['double', 'float'],
    ['string', 'integer'],
    ['timestamp', 'timestamp_ntz'],
    ['date', 'timestamp'],
    // Scale up by 2 needs precision up by at least 2.
    ['decimal(10,1)', 'decimal(11,3)'],
    ['decimal(10,2)', 'decimal(10,1)'],
    ['integer', 'decimal(9,0)'],
    ['long', 'decimal(19,0)'],
    ['integer', 'decimal(11,2)'],
  ];
  for (const [from, to] of refused) assert.ok(!isSupportedTypeChange(from, to), `${from} → ${to}`);
});

test('delta.typeChanges is read from an array or a JSON string; malformed entries are ignored', () => {
  const change = { fromType: 'short', toType: 'integer', fieldPath: 'element' };
  assert.deepEqual(readTypeChanges({ 'delta.typeChanges': [change, { fromType: 1 }] }), [change]);
  assert.deepEqual(readTypeChanges({ 'delta.typeChanges': JSON.stringify([change]) }), [change]);
  assert.deepEqual(readTypeChanges({ 'delta.typeChanges': '{not json' }), []);
  assert.deepEqual(readTypeChanges({}), []);
});

test('a recorded type change the reader cannot convert is refused, naming the field', () => {
  const schema: StructType = {
    type: 'struct',
    fields: [
      field('ok', 'long', { 'delta.typeChanges': [{ fromType: 'integer', toType: 'long' }] }),
      field('s', {
        type: 'struct',
        fields: [
          field(
            'tags',
            { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true },
            { 'delta.typeChanges': [{ fromType: 'string', toType: 'integer', fieldPath: 'value' }] },
          ),
        ],
      }),
    ],
  };
  assert.throws(
    () => assertTypeChangesSupported(schema),
    (error: unknown) =>
      isDeltaError(error, 'UNSUPPORTED_FEATURE') && /'s\.tags\.value'.*string to integer/.test(error.message),
  );
  assert.doesNotThrow(() => assertTypeChangesSupported({ type: 'struct', fields: [schema.fields[0]!] }));
});

test('files whose Parquet types differ are read by separate read_parquet calls', () => {
  const tree = (type: string) =>
    buildPhysicalTree([
      { name: 'root', numChildren: 1 },
      { name: 'a', type, numChildren: 0 },
    ]);
  const schema: StructType = { type: 'struct', fields: [field('a', 'long')] };
  const scan = { schema, partitionColumns: [], mode: 'none' as const };
  const sql = buildScanSql(
    [
      { localPath: '/t/1.parquet', partitionValues: {}, physical: tree('INT32|INT_32|||') },
      { localPath: '/t/2.parquet', partitionValues: {}, physical: tree('INT64|INT_64|||') },
      { localPath: '/t/3.parquet', partitionValues: {}, physical: tree('INT32|INT_32|||') },
    ],
    scan,
  );
  const branches = sql.split('\nUNION ALL\n');
  assert.equal(branches.length, 2);
  assert.ok(branches.some((branch) => branch.includes("['/t/1.parquet', '/t/3.parquet']")));
  // Without column trees (the workbench on WebHDFS) only a table with recorded type changes reads file by file.
  const bare = [
    { localPath: '/t/1.parquet', partitionValues: {} },
    { localPath: '/t/2.parquet', partitionValues: {} },
  ];
  assert.equal(buildScanSql(bare, scan).split('\nUNION ALL\n').length, 1);
  const widened: StructType = {
    type: 'struct',
    fields: [field('a', 'long', { 'delta.typeChanges': [{ fromType: 'integer', toType: 'long' }] })],
  };
  assert.equal(buildScanSql(bare, { ...scan, schema: widened }).split('\nUNION ALL\n').length, 2);
});

const TABLE = 'widened';
let lake: HandMadeLake;

before(async () => {
  lake = await openHandMadeLake();
  await writeWidenedTable(lake, TABLE);
});

after(async () => {
  await lake.close();
});

const sortById = (rows: Record<string, unknown>[]) =>
  [...rows].sort(
    (a, b) => String(a.id).length - String(b.id).length || String(a.id).localeCompare(String(b.id)),
  );

test('files written before a widening are read in the current, wider types', async () => {
  const effects = { storage: lake.storage, duckdb: lake.duckdb };
  const snapshot = await loadSnapshot(effects, TABLE);
  const rows = sortById(await readSnapshotRows(effects, snapshot));
  assert.deepEqual(rows, [
    {
      id: '1',
      b: -5,
      f: 1.5,
      d: '2020-01-02 00:00:00',
      m: '123.4500',
      i2d: 7,
      s2m: '-300.00',
      st: { x: '12' },
      arr: ['1', null],
      items: [{ y: '2' }],
      mp: [{ key: '3', value: 0.25 }],
      day: '2020-01-01 00:00:00',
    },
    {
      id: '5000000000',
      b: 100000,
      f: 1e300,
      d: '2021-02-03 04:05:06.5',
      m: '123456.7891',
      i2d: 0.5,
      s2m: '1234567890.12',
      st: { x: '9000000000' },
      arr: ['9000000000'],
      items: [{ y: '8000000000' }],
      mp: [{ key: '7000000000', value: 1e300 }],
      day: '2021-02-03 04:05:06',
    },
  ]);
  // The result columns carry the current types, not the first file's.
  const plan = await planScan(effects, snapshot);
  try {
    const described = await lake.duckdb.queryJson(`DESCRIBE ${plan.sql}`);
    const types = Object.fromEntries(described.map((row) => [row.column_name, row.column_type]));
    assert.deepEqual(types, {
      id: 'BIGINT',
      b: 'INTEGER',
      f: 'DOUBLE',
      d: 'TIMESTAMP',
      m: 'DECIMAL(10,4)',
      i2d: 'DOUBLE',
      s2m: 'DECIMAL(12,2)',
      st: 'STRUCT(x BIGINT)',
      arr: 'BIGINT[]',
      items: 'STRUCT(y BIGINT)[]',
      mp: 'MAP(BIGINT, DOUBLE)',
      day: 'TIMESTAMP',
    });
  } finally {
    await plan.release();
  }
});

test('the version before the widening still reads in its own types', async () => {
  const effects = { storage: lake.storage, duckdb: lake.duckdb };
  const snapshot = await loadSnapshot(effects, TABLE, { version: 0 });
  const rows = await readSnapshotRows(effects, snapshot);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.b, -5);
  assert.equal(rows[0]?.d, '2020-01-02');
  assert.equal(rows[0]?.m, '123.45');
});
