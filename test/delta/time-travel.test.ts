import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import {
  getCommitTimestamp,
  monotonizeTimestamps,
  resolveVersionAtTimestamp,
} from '../../pipelines/delta/time-travel';

test('in-commit timestamps win; otherwise file time, or commitInfo.timestamp when asked', () => {
  assert.deepEqual(getCommitTimestamp({ inCommitTimestamp: 5, timestamp: 9 }, 7, 'file'), {
    timestamp: 5,
    inCommit: true,
  });
  assert.deepEqual(getCommitTimestamp({ timestamp: 9 }, 7, 'file'), { timestamp: 7, inCommit: false });
  assert.deepEqual(getCommitTimestamp({ timestamp: 9 }, 7, 'commitInfo'), { timestamp: 9, inCommit: false });
  assert.deepEqual(getCommitTimestamp(undefined, 7, 'commitInfo'), { timestamp: 7, inCommit: false });
});

test('file times are made strictly increasing', () => {
  const result = monotonizeTimestamps([
    { version: 0, timestamp: 100, inCommit: false },
    { version: 1, timestamp: 100, inCommit: false },
    { version: 2, timestamp: 50, inCommit: false },
    { version: 3, timestamp: 500, inCommit: true },
  ]);
  assert.deepEqual(
    result.map((entry) => entry.timestamp),
    [100, 101, 102, 500],
  );
});

test('resolves the latest version at or before the instant', () => {
  const times = [
    { version: 0, timestamp: 1000, inCommit: false },
    { version: 1, timestamp: 2000, inCommit: false },
    { version: 2, timestamp: 3000, inCommit: false },
  ];
  assert.equal(resolveVersionAtTimestamp(times, 1000), 0);
  assert.equal(resolveVersionAtTimestamp(times, 2999), 1);
  assert.equal(resolveVersionAtTimestamp(times, new Date(3000)), 2);
  assert.equal(resolveVersionAtTimestamp(times, '2100-01-01T00:00:00Z'), 2);
  assert.throws(
    () => resolveVersionAtTimestamp(times, 999),
    (error: unknown) => isDeltaError(error, 'TIMESTAMP_NOT_FOUND'),
  );
  assert.throws(
    () => resolveVersionAtTimestamp(times, 'not a date'),
    (error: unknown) => isDeltaError(error, 'INVALID_ARGUMENT'),
  );
});
