import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileStatus } from '../../pipelines/lake/storage';
import { isDeltaError } from '../../pipelines/delta/errors';
import {
  buildLogSegment,
  formatVersion,
  parseLogFileName,
  type LogFile,
} from '../../pipelines/delta/log-files';

const status = (name: string): FileStatus => ({
  path: `t/_delta_log/${name}`,
  name,
  size: 1,
  modifiedMs: 0,
  isDirectory: false,
});
const log = (...names: string[]): LogFile[] =>
  names.map((name) => parseLogFileName(status(name))).filter((entry): entry is LogFile => entry !== null);
const commit = (v: number): string => `${formatVersion(v)}.json`;

test('recognises commits, checkpoints of every kind, compactions and ignores the rest', () => {
  const kinds = log(
    commit(3),
    `${formatVersion(2)}.checkpoint.parquet`,
    `${formatVersion(2)}.checkpoint.0000000001.0000000002.parquet`,
    `${formatVersion(2)}.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json`,
    `${formatVersion(1)}.${formatVersion(3)}.compacted.json`,
    `${formatVersion(3)}.crc`,
    `.${formatVersion(3)}.json.crc`,
    '_last_checkpoint',
  ).map((entry) => entry.kind);
  assert.deepEqual(kinds, ['commit', 'checkpoint', 'checkpoint', 'checkpoint', 'compaction', 'crc']);
});

test('uses the newest complete checkpoint at or below the version', () => {
  const files = log(
    ...[0, 1, 2, 3, 4, 5].map(commit),
    `${formatVersion(2)}.checkpoint.parquet`,
    `${formatVersion(4)}.checkpoint.0000000001.0000000002.parquet`, // incomplete: part 2 missing
  );
  const latest = buildLogSegment(files);
  assert.equal(latest.version, 5);
  assert.equal(latest.checkpoint?.version, 2);
  assert.deepEqual(
    latest.commits.map((c) => c.version),
    [3, 4, 5],
  );
  const v1 = buildLogSegment(files, 1);
  assert.equal(v1.checkpoint, undefined);
  assert.deepEqual(
    v1.commits.map((c) => c.version),
    [0, 1],
  );
});

test('a checkpoint-only log (commits before it vacuumed) still rebuilds later versions', () => {
  const files = log(commit(2), commit(3), `${formatVersion(2)}.checkpoint.parquet`);
  assert.deepEqual(
    buildLogSegment(files).commits.map((c) => c.version),
    [3],
  );
  assert.throws(
    () => buildLogSegment(files, 1),
    (error: unknown) => isDeltaError(error, 'VERSION_NOT_FOUND'),
  );
});

test('gaps and unknown versions are errors', () => {
  assert.throws(
    () => buildLogSegment(log(commit(0), commit(2))),
    (error: unknown) => isDeltaError(error, 'CORRUPT_LOG'),
  );
  assert.throws(
    () => buildLogSegment(log(commit(0)), 4),
    (error: unknown) => isDeltaError(error, 'VERSION_NOT_FOUND'),
  );
});

test('log compaction files stand in for the commits they cover, below the target only', () => {
  const compacted = `${formatVersion(1)}.${formatVersion(3)}.compacted.json`;
  const files = log(...[0, 1, 2, 3, 4].map(commit), compacted);
  const segment = buildLogSegment(files);
  assert.deepEqual(
    segment.commits.map((c) => [c.version, c.toVersion ?? c.version]),
    [
      [0, 0],
      [1, 3],
      [4, 4],
    ],
  );
  assert.deepEqual(
    buildLogSegment(files, 3).commits.map((c) => c.version),
    [0, 1, 2, 3],
  );
  assert.equal(buildLogSegment(files, 4, { useCompactions: false }).commits.length, 5);
});
