import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import { assertReadable } from '../../pipelines/delta/protocol';
import { parseFileStats } from '../../pipelines/delta/stats';

test('reader versions 1-3 with known features are readable', () => {
  assertReadable({ minReaderVersion: 1, minWriterVersion: 2 });
  assertReadable({ minReaderVersion: 2, minWriterVersion: 5 });
  assertReadable({
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [
      'deletionVectors',
      'columnMapping',
      'timestampNtz',
      'v2Checkpoint',
      'vacuumProtocolCheck',
    ],
    writerFeatures: ['someFutureWriterFeature'],
  });
});

test('unknown reader versions and features are refused by name', () => {
  assert.throws(
    () => assertReadable({ minReaderVersion: 99, minWriterVersion: 7 }),
    (error: unknown) => isDeltaError(error, 'UNSUPPORTED_READER_VERSION') && error.message.includes('99'),
  );
  assert.throws(
    () =>
      assertReadable({
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['variantShredding', 'variantType', 'columnMapping'],
      }),
    (error: unknown) =>
      isDeltaError(error, 'UNSUPPORTED_FEATURE') &&
      // Only the feature it lacks: variant and column mapping are read.
      error.message.includes('unsupported reader feature(s): variantShredding ('),
  );
});

test('stats: JSON string, stats_parsed fallback, absent', () => {
  const stats = parseFileStats({
    path: 'a',
    stats:
      '{"numRecords":3,"minValues":{"a":1,"s":{"b":"x"}},"maxValues":{"a":9},"nullCount":{"a":0},"tightBounds":false}',
  });
  assert.equal(stats?.numRecords, 3);
  assert.deepEqual(stats?.minValues, { a: 1, s: { b: 'x' } });
  assert.equal(stats?.tightBounds, false);
  assert.equal(parseFileStats({ path: 'a', statsParsed: { numRecords: 5 } })?.numRecords, 5);
  assert.equal(parseFileStats({ path: 'a' }), null);
  assert.throws(
    () => parseFileStats({ path: 'a', stats: '{' }),
    (error: unknown) => isDeltaError(error, 'CORRUPT_LOG'),
  );
});
