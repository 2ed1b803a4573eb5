// Variant columns (PROTOCOL.md "Variant Data Type", reader features variantType / variantType-preview) on the
// server path: read as JSON text at the top level and inside structs, arrays and maps, under column mapping too;
// shredded variants refused naming variantShredding; the catalog shows the type as variant and the browser's
// snapshot view says the browser cannot read the table.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readPhysicalSchemas } from '../../pipelines/delta/physical-schema';
import { readSnapshotRows, planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { describeColumns, describeSnapshot } from '../../server/api/workbench/describe-snapshot';
import {
  field,
  metaData,
  openHandMadeLake,
  protocol,
  writeCommit,
  writeDataFile,
  type HandMadeLake,
} from './hand-made-table';
import { toVariantStructLiteral as variant, v } from './variant-encoding';
import { VARIANT_EXPECTED_ROWS, writeVariantTable } from './variant-table';

let lake: HandMadeLake;
const effects = () => ({ storage: lake.storage, duckdb: lake.duckdb });

before(async () => {
  lake = await openHandMadeLake();
  await writeVariantTable(lake, 'variants');
});
after(async () => {
  await lake.close();
});

test('variant columns read as JSON text, top level and in a struct, an array and a map', async () => {
  const snapshot = await loadSnapshot(effects(), 'variants');
  const rows = await readSnapshotRows(effects(), snapshot);
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  assert.deepEqual(rows, VARIANT_EXPECTED_ROWS);
  const plan = await planScan(effects(), snapshot, { columns: ['v', 'a'] });
  try {
    const types = await lake.duckdb.queryJson(
      `SELECT DISTINCT typeof(v) AS v, typeof(a) AS a FROM (${plan.sql})`,
    );
    assert.deepEqual(types, [{ v: 'JSON', a: 'JSON[]' }]);
    // JSON, so DuckDB's JSON functions reach inside.
    const amounts = await lake.duckdb.queryJson(
      `SELECT v->>'$.tags[0]' AS tag, CAST(v->'$.amount' AS DECIMAL(6,2)) AS amount FROM (${plan.sql}) WHERE json_extract(v, '$.amount') IS NOT NULL`,
    );
    assert.deepEqual(amounts, [{ tag: 'a', amount: '12.50' }]);
  } finally {
    await plan.release();
  }
  assert.deepEqual(
    describeColumns(snapshot).map((column) => [column.name, column.deltaType, column.duckdbType]),
    [
      ['id', 'long', 'BIGINT'],
      ['v', 'variant', 'JSON'],
      ['s', 'struct', 'STRUCT("name" VARCHAR, "payload" JSON)'],
      ['a', 'array', 'JSON[]'],
      ['m', 'map', 'MAP(VARCHAR, JSON)'],
    ],
  );
});

test('a variant column under column mapping is found by its physical name; its value and metadata keep theirs', async () => {
  const mapped = field('doc', 'variant', {
    'delta.columnMapping.id': 2,
    'delta.columnMapping.physicalName': 'col-7f3a',
  });
  const id = field('id', 'long', {
    'delta.columnMapping.id': 1,
    'delta.columnMapping.physicalName': 'col-01',
  });
  const file = await writeDataFile(
    lake,
    'variants_mapped',
    'part-0.parquet',
    `SELECT 1::BIGINT AS "col-01", ${variant(v.object({ ok: v.bool(true) }))} AS "col-7f3a"`,
  );
  await writeCommit(lake, 'variants_mapped', 0, [
    protocol(['columnMapping', 'variantType-preview']),
    metaData([id, mapped], [], {
      'delta.columnMapping.mode': 'name',
      'delta.columnMapping.maxColumnId': '2',
    }),
    file,
  ]);
  const snapshot = await loadSnapshot(effects(), 'variants_mapped');
  assert.deepEqual(await readSnapshotRows(effects(), snapshot), [{ id: '1', doc: '{"ok":true}' }]);
});

test('a file that annotates the column as Parquet VARIANT (read by DuckDB itself, shredded here) gives the same text', async () => {
  const plain = await writeDataFile(
    lake,
    'annotated',
    'part-0.parquet',
    `SELECT 1::BIGINT AS id, ${variant(v.object({ q: v.decimal(1n, 1, 4), tags: v.array([v.shortString('a')]) }))} AS v`,
  );
  // DuckDB writes its VARIANT with the Parquet annotation, shredding the typed parts into typed_value columns.
  const annotated = await writeDataFile(
    lake,
    'annotated',
    'part-1.parquet',
    `SELECT 2::BIGINT AS id, {'q': 0.1::DECIMAL(2,1), 'tags': ['b']}::VARIANT AS v
     UNION ALL SELECT 3, NULL::VARIANT`,
  );
  await writeCommit(lake, 'annotated', 0, [
    protocol(['variantType']),
    metaData([field('id', 'long'), field('v', 'variant')]),
    plain,
    annotated,
  ]);
  const local = path.join(lake.dir, 'annotated', 'part-1.parquet');
  const tree = (await readPhysicalSchemas(lake.duckdb, [local], { detectVariants: true })).get(local);
  const column = tree?.children.find((child) => child.name === 'v');
  assert.equal(column?.engineVariant, true);
  assert.ok(
    column?.children.some((child) => child.name === 'typed_value'),
    'the file is shredded',
  );
  const snapshot = await loadSnapshot(effects(), 'annotated');
  const rows = await readSnapshotRows(effects(), snapshot);
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  assert.deepEqual(rows, [
    { id: '1', v: '{"q":0.1,"tags":["a"]}' },
    { id: '2', v: '{"q":0.1,"tags":["b"]}' },
    { id: '3', v: null },
  ]);
});

test('shredded variants are refused naming variantShredding, in the protocol or in a data file', async () => {
  await writeCommit(lake, 'shredded_protocol', 0, [
    protocol(['variantType', 'variantShredding']),
    metaData([field('v', 'variant')]),
  ]);
  await assert.rejects(loadSnapshot(effects(), 'shredded_protocol'), (error: Error) => {
    assert.match(error.message, /unsupported reader feature\(s\): variantShredding/);
    return true;
  });
  // A file with a typed_value member is shredded even when the protocol does not say so: never read half of it.
  const encoded = variant(v.null());
  const file = await writeDataFile(
    lake,
    'shredded_file',
    'part-0.parquet',
    `SELECT struct_insert(${encoded}, typed_value := 5) AS v`,
  );
  await writeCommit(lake, 'shredded_file', 0, [
    protocol(['variantType']),
    metaData([field('v', 'variant')]),
    file,
  ]);
  const snapshot = await loadSnapshot(effects(), 'shredded_file');
  await assert.rejects(
    readSnapshotRows(effects(), snapshot),
    /Variant column 'v' is shredded \(reader feature variantShredding\)/,
  );
});

test("the browser's snapshot view of a variant table says to use the server path; other tables have no such note", async () => {
  const view = await describeSnapshot(effects(), 'variants', await loadSnapshot(effects(), 'variants'));
  assert.equal(
    view.browserUnsupported,
    'Table variants has variant column(s) v, s, a, m, which the browser engine (DuckDB-WASM) cannot decode: ' +
      'run this cell on the server path, where they read as JSON text',
  );
  assert.equal(view.columns.find((column) => column.name === 'v')?.deltaType, 'variant');
  await writeCommit(lake, 'plain', 0, [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    metaData([field('id', 'long')]),
  ]);
  const plain = await describeSnapshot(effects(), 'plain', await loadSnapshot(effects(), 'plain'));
  assert.equal(plain.browserUnsupported, undefined);
});
