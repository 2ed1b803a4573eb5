import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatTimestampMicros,
  parsePartitionValue,
  parseTimestampMicros,
  toPartitionSqlLiteral,
} from '../../pipelines/delta/partition-values';

test('null, missing and empty strings are NULL for every type', () => {
  for (const type of ['string', 'integer', 'date', 'timestamp', 'decimal(5,2)', 'binary']) {
    assert.equal(parsePartitionValue(null, type), null);
    assert.equal(parsePartitionValue(undefined, type), null);
    assert.equal(parsePartitionValue('', type), null);
  }
  assert.equal(parsePartitionValue('null', 'string'), 'null', 'the literal text "null" is a string value');
});

test('typed values', () => {
  assert.equal(parsePartitionValue('42', 'integer'), 42);
  assert.equal(parsePartitionValue('-9223372036854775808', 'long'), -9223372036854775808n);
  assert.equal(parsePartitionValue('true', 'boolean'), true);
  assert.equal(parsePartitionValue('1.5', 'double'), 1.5);
  assert.equal(parsePartitionValue('200.000000000000000000', 'decimal(38,18)'), '200.000000000000000000');
  assert.equal(parsePartitionValue('2021-09-08', 'date'), '2021-09-08');
  assert.deepEqual(parsePartitionValue('a/%20', 'binary'), new TextEncoder().encode('a/%20'));
  assert.throws(() => parsePartitionValue('maybe', 'boolean'));
});

test('timestamps: space form is UTC, ISO form honours its zone, pre-1970 works', () => {
  assert.equal(
    formatTimestampMicros(parseTimestampMicros('1970-01-01 12:30:00')),
    '1970-01-01 12:30:00.000000',
  );
  assert.equal(parsePartitionValue('2020-01-01 08:09:10.001', 'timestamp'), '2020-01-01 08:09:10.001000');
  assert.equal(parsePartitionValue('2021-09-08T11:11:11.123456Z', 'timestamp'), '2021-09-08 11:11:11.123456');
  assert.equal(parsePartitionValue('2021-09-08T11:11:11-07:00', 'timestamp'), '2021-09-08 18:11:11.000000');
  assert.equal(parsePartitionValue('1969-01-01 00:00:00.5', 'timestamp'), '1969-01-01 00:00:00.500000');
  assert.equal(parseTimestampMicros('1969-12-31 23:59:59.999999'), -1n);
});

test('a date partition value of a column widened to timestamp_ntz is midnight', () => {
  assert.equal(parsePartitionValue('2020-01-01', 'timestamp_ntz'), '2020-01-01 00:00:00.000000');
  // A zone needs a time: a date followed by an offset is not a timestamp.
  assert.throws(() => parseTimestampMicros('2020-01-01-05:00'));
});

test('SQL literals', () => {
  assert.equal(toPartitionSqlLiteral(null, 'integer'), 'CAST(NULL AS INTEGER)');
  assert.equal(toPartitionSqlLiteral("it's", 'string'), "CAST('it''s' AS VARCHAR)");
  assert.equal(toPartitionSqlLiteral('AB', 'binary'), "unhex('4142')");
  assert.equal(
    toPartitionSqlLiteral('2021-09-08 11:11:11', 'timestamp'),
    "CAST('2021-09-08 11:11:11.000000+00' AS TIMESTAMPTZ)",
  );
  assert.equal(
    toPartitionSqlLiteral('2021-09-08 11:11:11', 'timestamp', 'America/Los_Angeles'),
    "timezone('America/Los_Angeles', CAST('2021-09-08 11:11:11.000000' AS TIMESTAMP))",
  );
});
