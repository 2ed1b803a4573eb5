// A hand-made table with variant columns (Delta's variantType: each value a Parquet struct of `value` and
// `metadata` binaries, hand-encoded by variant-encoding.ts) at the top level and inside a struct, an array and a
// map, with SQL NULLs and variant nulls: shared by the server path's variant test and the MySQL sync test.

import { field, metaData, protocol, writeCommit, writeDataFile, type HandMadeLake } from './hand-made-table';
import { toVariantStructLiteral as variant, v } from './variant-encoding';

export const VARIANT_SCHEMA_FIELDS = [
  field('id', 'long'),
  field('v', 'variant'),
  field('s', { type: 'struct', fields: [field('name', 'string'), field('payload', 'variant')] }),
  field('a', { type: 'array', elementType: 'variant', containsNull: true }),
  field('m', { type: 'map', keyType: 'string', valueType: 'variant', valueContainsNull: true }),
];

/** The rows as the server path returns them: every variant as its JSON text (as Spark's to_json writes it). */
export const VARIANT_EXPECTED_ROWS = [
  {
    id: '1',
    v: '{"amount":12.50,"at":"2024-03-01 08:30:00.000000+00:00","tags":["a",true,null],"uid":"123e4567-e89b-12d3-a456-426614174000"}',
    s: { name: 'one', payload: '0.1' },
    a: ['1', '"two"', '{"k":[]}'],
    m: [{ key: 'x', value: '-9007199254740993' }],
  },
  { id: '2', v: null, s: null, a: null, m: null },
  {
    id: '3',
    v: 'null',
    s: { name: 'three', payload: null },
    a: ['"NaN"', null],
    m: [{ key: 'd', value: '"2022-01-08"' }],
  },
];

const row1 = {
  v: variant(
    v.object({
      amount: v.decimal(1250n, 2, 8),
      at: v.timestamp(1709281800000000n),
      tags: v.array([v.shortString('a'), v.bool(true), v.null()]),
      uid: v.uuid('123e4567-e89b-12d3-a456-426614174000'),
    }),
  ),
  payload: variant(v.decimal(1n, 1, 4)),
  a: [variant(v.int8(1)), variant(v.string('two')), variant(v.object({ k: v.array([]) }))],
  m: variant(v.int64(-9007199254740993n)),
};
const row3 = {
  v: variant(v.null()),
  a: [variant(v.double(NaN))],
  m: variant(v.date(19000)),
};

/** Writes the table at `root` (one data file, reader features variantType). */
export async function writeVariantTable(lake: HandMadeLake, root: string): Promise<void> {
  const file = await writeDataFile(
    lake,
    root,
    'part-0.parquet',
    `SELECT * FROM (VALUES
      (1::BIGINT, ${row1.v}, {'name': 'one', 'payload': ${row1.payload}}, [${row1.a.join(', ')}], MAP {'x': ${row1.m}}),
      (2, NULL, NULL, NULL, NULL),
      (3, ${row3.v}, {'name': 'three', 'payload': NULL}, [${row3.a[0]}, NULL], MAP {'d': ${row3.m}})
    ) AS t(id, v, s, a, m)`,
  );
  await writeCommit(lake, root, 0, [protocol(['variantType']), metaData(VARIANT_SCHEMA_FIELDS), file]);
}
