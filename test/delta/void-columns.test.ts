// Void (Spark NullType) columns: Spark writes no Parquet column for them; this reader returns them as all-NULL
// columns of DuckDB's NULL type, top level and inside structs, and never looks them up in a data file.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { planScan, readSnapshotRows } from '../../pipelines/delta/scan';
import { buildScanSql, buildValueExpression } from '../../pipelines/delta/scan-sql';
import { toDuckDbType, type StructType } from '../../pipelines/delta/schema';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { describeColumns } from '../../server/api/workbench/describe-snapshot';
import {
  field,
  metaData,
  openHandMadeLake,
  writeCommit,
  writeDataFile,
  type HandMadeLake,
} from './hand-made-table';

const schema: StructType = {
  type: 'struct',
  fields: [
    field('id', 'long'),
    field('nothing', 'void'),
    field('s', { type: 'struct', fields: [field('a', 'integer'), field('gone', 'void')] }),
  ],
};

test('void maps to DuckDB NULL and is never read from a file', () => {
  assert.equal(toDuckDbType('void'), '"NULL"');
  assert.equal(toDuckDbType(schema.fields[2]!.type), 'STRUCT("a" INTEGER, "gone" "NULL")');
  const member = buildValueExpression('"s"', schema.fields[2]!.type, 'none', undefined);
  assert.match(member, /"gone" := CAST\(NULL AS "NULL"\)/);
  assert.doesNotMatch(member, /'gone'/);
  // Without a column tree (the workbench on WebHDFS) columns are referenced by name: never the void one.
  const sql = buildScanSql([{ localPath: '/t/a.parquet', partitionValues: {} }], {
    schema,
    partitionColumns: [],
    mode: 'none',
  });
  assert.match(sql, /CAST\(NULL AS "NULL"\) AS "nothing"/);
  assert.doesNotMatch(sql, /d\."nothing"/);
});

let lake: HandMadeLake;
before(async () => {
  lake = await openHandMadeLake();
  // As Spark writes it: the data file has no column for the void fields.
  const file = await writeDataFile(
    lake,
    'voids',
    'part-0.parquet',
    `SELECT * FROM (VALUES (1::BIGINT, {'a': 10::INTEGER}), (2, NULL)) AS t(id, s)`,
  );
  await writeCommit(lake, 'voids', 0, [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    metaData(schema.fields),
    file,
  ]);
});
after(async () => {
  await lake.close();
});

test('a table with void columns scans as all-NULL columns through native DuckDB', async () => {
  const effects = { storage: lake.storage, duckdb: lake.duckdb };
  const snapshot = await loadSnapshot(effects, 'voids');
  const rows = await readSnapshotRows(effects, snapshot);
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  assert.deepEqual(rows, [
    { id: '1', nothing: null, s: { a: 10, gone: null } },
    { id: '2', nothing: null, s: null },
  ]);
  const plan = await planScan(effects, snapshot, { columns: ['nothing', 'id'] });
  try {
    // DESCRIBE would report DuckDB's default materialisation (INTEGER); typeof shows the value's own type.
    const types = await lake.duckdb.queryJson(
      `SELECT DISTINCT typeof(nothing) AS nothing, typeof(id) AS id FROM (${plan.sql})`,
    );
    assert.deepEqual(types, [{ nothing: '"NULL"', id: 'BIGINT' }]);
  } finally {
    await plan.release();
  }
  // The catalog describes the table instead of failing on the type.
  assert.deepEqual(
    describeColumns(snapshot).map((column) => [column.name, column.deltaType, column.duckdbType]),
    [
      ['id', 'long', 'BIGINT'],
      ['nothing', 'void', '"NULL"'],
      ['s', 'struct', 'STRUCT("a" INTEGER, "gone" "NULL")'],
    ],
  );
});
