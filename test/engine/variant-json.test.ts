// The variant decoder (pipelines/engine/variant-json.ts) on every primitive type of the Parquet Variant encoding,
// short strings, objects, arrays and nesting, against the JSON text Spark's to_json(variant) writes; and the
// `delta_variant_json` function it backs in a real native DuckDB session.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { decodeMetadata, variantToJson } from '../../pipelines/engine/variant-json';
import { encodeVariant, toBlobLiteral, v, type Variant } from '../delta/variant-encoding';

function json(value: Variant): string {
  const encoded = encodeVariant(value);
  return variantToJson(encoded.value, encoded.metadata);
}

const cases: [string, Variant, string][] = [
  ['null', v.null(), 'null'],
  ['true', v.bool(true), 'true'],
  ['false', v.bool(false), 'false'],
  ['int8', v.int8(-128), '-128'],
  ['int16', v.int16(-300), '-300'],
  ['int32', v.int32(2147483647), '2147483647'],
  // Beyond 2^53: exact, not rounded through a JS number.
  ['int64', v.int64(-9007199254740993n), '-9007199254740993'],
  ['double', v.double(1.5), '1.5'],
  ['double exponent', v.double(1e300), '1e+300'],
  ['double NaN', v.double(NaN), '"NaN"'],
  ['double -Infinity', v.double(-Infinity), '"-Infinity"'],
  // A float32 prints with float precision (0.1f is not 0.10000000149011612).
  ['float', v.float(0.1), '0.1'],
  ['float Infinity', v.float(Infinity), '"Infinity"'],
  ['decimal4', v.decimal(-12345n, 2, 4), '-123.45'],
  ['decimal4 below one', v.decimal(1n, 1, 4), '0.1'],
  ['decimal4 trailing zero kept', v.decimal(-10n, 3, 4), '-0.010'],
  ['decimal8', v.decimal(123456789012n, 4, 8), '12345678.9012'],
  ['decimal16', v.decimal(12345678901234567890123n, 3, 16), '12345678901234567890.123'],
  ['decimal16 negative', v.decimal(-(10n ** 37n), 0, 16), `-1${'0'.repeat(37)}`],
  ['date', v.date(19000), '"2022-01-08"'],
  ['date before 1970', v.date(-1), '"1969-12-31"'],
  ['timestamp', v.timestamp(1700000000123456n), '"2023-11-14 22:13:20.123456+00:00"'],
  ['timestamp before 1970', v.timestamp(-1n), '"1969-12-31 23:59:59.999999+00:00"'],
  ['timestamp_ntz', v.timestampNtz(1700000000000000n), '"2023-11-14 22:13:20.000000"'],
  ['binary (base64)', v.binary(new Uint8Array([0, 1, 255])), '"AAH/"'],
  ['string', v.string('he said "hi"\n'), '"he said \\"hi\\"\\n"'],
  ['string (long form, multi-byte)', v.string('é'.repeat(70)), JSON.stringify('é'.repeat(70))],
  ['short string', v.shortString('ok'), '"ok"'],
  ['empty short string', v.shortString(''), '""'],
  ['uuid', v.uuid('123e4567-e89b-12d3-a456-426614174000'), '"123e4567-e89b-12d3-a456-426614174000"'],
  [
    'object (keys in name order)',
    v.object({ b: v.int8(1), a: v.shortString('x'), n: v.null() }),
    '{"a":"x","b":1,"n":null}',
  ],
  ['empty object', v.object({}), '{}'],
  ['array', v.array([v.int8(1), v.shortString('x'), v.null(), v.array([])]), '[1,"x",null,[]]'],
  [
    'nested',
    v.object({
      list: v.array([v.object({ k: v.bool(true) })]),
      inner: v.object({ deep: v.decimal(5n, 2, 4) }),
    }),
    '{"inner":{"deep":0.05},"list":[{"k":true}]}',
  ],
];

for (const [name, value, expected] of cases) {
  test(`variant ${name} decodes to ${expected.length > 40 ? `${expected.slice(0, 40)}…` : expected}`, () => {
    assert.equal(json(value), expected);
  });
}

test('large objects and arrays (4-byte counts, 2-byte ids and offsets) decode', () => {
  const fields: Record<string, Variant> = {};
  for (let i = 0; i < 300; i += 1) fields[`k${String(i).padStart(3, '0')}`] = v.int16(i);
  const decoded = JSON.parse(json(v.object({ big: v.object(fields), list: v.array(Object.values(fields)) })));
  assert.equal(Object.keys(decoded.big).length, 300);
  assert.equal(decoded.big.k299, 299);
  assert.deepEqual(decoded.list.slice(-2), [298, 299]);
});

test('malformed input is an error naming what is wrong, never a wrong value', () => {
  const good = encodeVariant(v.object({ a: v.int32(1) }));
  assert.throws(
    () => variantToJson(good.value.subarray(0, 4), good.metadata),
    /Invalid variant value: truncated/,
  );
  assert.throws(() => variantToJson(good.value, new Uint8Array([0x02, 0, 0])), /metadata version 2/);
  assert.throws(
    () => variantToJson(good.value, encodeVariant(v.null()).metadata),
    /field id 0 is not in the metadata/,
  );
  assert.throws(() => variantToJson(new Uint8Array([63 << 2]), good.metadata), /unknown primitive type 63/);
  assert.deepEqual(decodeMetadata(good.metadata).keys, ['a']);
  // Arrays whose elements all point at the same inner array: 2^40 values from 40 levels of 9 bytes.
  const levels = 40;
  const bomb: number[] = [0];
  for (let level = 0; level < levels; level += 1) {
    // Array header (1-byte offsets), 2 elements, offsets 0, 0 and end = the inner value's length.
    bomb.unshift(3, 2, 0, 0, bomb.length);
  }
  assert.throws(
    () => variantToJson(Uint8Array.from(bomb), encodeVariant(v.null()).metadata),
    /elements overlap/,
  );
  // One 1 MiB key used by 100 fields: 100 MiB of text from 1 MiB of input.
  const key = 1024 * 1024;
  const metadata = new Uint8Array(1 + 4 + 8 + key).fill(0x61);
  metadata.set([0xc1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0]);
  const fields = 100;
  const object = [2, fields, ...Array(fields).fill(0), ...Array(fields + 1).fill(0), 0];
  assert.throws(() => variantToJson(Uint8Array.from(object), metadata), /object keys exceed 64 MiB/);
});

test('a metadata buffer reused with other keys (as DuckDB reuses vector memory) is decoded again', () => {
  const first = encodeVariant(v.object({ a: v.int8(1) }));
  const second = encodeVariant(v.object({ b: v.int8(1) }));
  assert.equal(first.metadata.length, second.metadata.length);
  const shared = Uint8Array.from(first.metadata);
  assert.equal(variantToJson(first.value, shared), '{"a":1}');
  shared.set(second.metadata);
  assert.equal(variantToJson(second.value, shared), '{"b":1}');
});

let duckdb: DuckDbSession;
before(async () => {
  duckdb = await createDuckDbSession();
});
after(() => duckdb.close());

test('every native DuckDB session has delta_variant_json: NULL stays NULL, values become JSON', async () => {
  const object = encodeVariant(v.object({ a: v.decimal(1n, 1, 4), b: v.array([v.double(NaN)]) }));
  const rows = await duckdb.queryJson(
    `SELECT delta_variant_json(${toBlobLiteral(object.value)}, ${toBlobLiteral(object.metadata)}) AS j, ` +
      `delta_variant_json(NULL, ${toBlobLiteral(object.metadata)}) AS n, ` +
      `json_valid(delta_variant_json(${toBlobLiteral(object.value)}, ${toBlobLiteral(object.metadata)})) AS valid`,
  );
  assert.deepEqual(rows, [{ j: '{"a":0.1,"b":["NaN"]}', n: null, valid: true }]);
  await assert.rejects(
    duckdb.queryJson(`SELECT delta_variant_json('\\x0C'::BLOB, '\\x01\\x00\\x00'::BLOB)`),
    /Invalid variant value: truncated/,
  );
});

test("the test encoder's bytes are what DuckDB's own variant reader (1.5) takes for the same types", async () => {
  // An independent check of the fixtures: DuckDB decodes the encoder's bytes (metadata then value) into the
  // variant type each case means. Its JSON is not used by the reader (decimals below 1 print as `.1`).
  const expectedTypes: Record<string, string> = {
    null: 'VARIANT_NULL',
    int8: 'INT8',
    int64: 'INT64',
    'double NaN': 'DOUBLE',
    float: 'FLOAT',
    decimal4: 'DECIMAL(5, 2)',
    decimal16: 'DECIMAL(38, 3)',
    date: 'DATE',
    timestamp: 'TIMESTAMP_MICROS_TZ',
    timestamp_ntz: 'TIMESTAMP_MICROS',
    'binary (base64)': 'BLOB',
    'short string': 'VARCHAR',
    'string (long form, multi-byte)': 'VARCHAR',
    uuid: 'UUID',
    'object (keys in name order)': 'OBJECT(a, b, n)',
    array: 'ARRAY(4)',
  };
  for (const [name, type] of Object.entries(expectedTypes)) {
    const value = cases.find(([caseName]) => caseName === name)?.[1] as Variant;
    const encoded = encodeVariant(value);
    const rows = await duckdb.queryJson(
      `SELECT variant_typeof(variant_bytes_to_variant(${toBlobLiteral(encoded.metadata)} || ${toBlobLiteral(encoded.value)})) AS t`,
    );
    assert.equal(rows[0]?.t, type, name);
  }
});
