// Pure pieces of the writer: Spark-style partition path escaping, URI encoding of add.path, conflict rules,
// interval parsing, log-cleanup selection, schema reconciliation and protocol requirements.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Action } from '../../pipelines/delta/actions';
import { isDeltaError } from '../../pipelines/delta/errors';
import type { LogFile } from '../../pipelines/delta/log-files';
import { checkWinningCommit } from '../../pipelines/delta/write/conflicts';
import { selectExpiredLogFiles } from '../../pipelines/delta/write/log-cleanup';
import {
  buildPartitionDir,
  encodePathUri,
  escapePathName,
} from '../../pipelines/delta/write/partition-paths';
import { parseIntervalMs } from '../../pipelines/delta/write/table-properties';
import { canWriteInto, reconcileSchema } from '../../pipelines/delta/write/table-schema';
import { requireProtocol } from '../../pipelines/delta/write/write-protocol';
import { getLogicalFileKey } from '../../pipelines/delta/replay';

test('partition directories are escaped like Spark and add.path is URI-encoded once', () => {
  assert.equal(escapePathName('a b:c/d=e%f'), 'a b%3Ac%2Fd%3De%25f');
  assert.equal(
    buildPartitionDir(['ts', 'p'], { ts: '2024-01-01T10:00:00.000000Z', p: null }),
    'ts=2024-01-01T10%3A00%3A00.000000Z/p=__HIVE_DEFAULT_PARTITION__',
  );
  assert.equal(
    encodePathUri('ts=2024-01-01T10%3A00/a b/é.parquet'),
    'ts=2024-01-01T10%253A00/a%20b/%C3%A9.parquet',
  );
});

test('conflict rules: blind appends retry, removed files, metadata and protocol changes are named', () => {
  const add = { path: 'f1.parquet', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true };
  const reads = { readPredicate: 'all' as const, readFileKeys: new Set([getLogicalFileKey(add)]) };
  const blind: Action[] = [{ commitInfo: { isBlindAppend: true } }, { add: { ...add, path: 'f2.parquet' } }];
  assert.deepEqual(checkWinningCommit(reads, blind, 3), { kind: 'retry' });
  const nonBlind: Action[] = [
    { commitInfo: { isBlindAppend: false } },
    { add: { ...add, path: 'f3.parquet' } },
  ];
  assert.throws(
    () => checkWinningCommit(reads, nonBlind, 3),
    (e: unknown) => isDeltaError(e, 'CONCURRENT_APPEND'),
  );
  assert.deepEqual(checkWinningCommit({ readPredicate: 'none', readFileKeys: new Set() }, nonBlind, 3), {
    kind: 'retry',
  });
  const removing: Action[] = [{ remove: { path: 'f1.parquet', dataChange: true } }];
  assert.throws(
    () => checkWinningCommit(reads, removing, 3),
    (e: unknown) => isDeltaError(e, 'CONCURRENT_DELETE'),
  );
  assert.throws(
    () => checkWinningCommit(reads, [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }], 3),
    (e: unknown) => isDeltaError(e, 'PROTOCOL_CHANGED'),
  );
  const txnReads = { ...reads, txn: { appId: 'x', version: 5 } };
  assert.deepEqual(checkWinningCommit(txnReads, [{ txn: { appId: 'x', version: 5 } }], 3), {
    kind: 'alreadyApplied',
  });
});

test('intervals of table properties', () => {
  assert.equal(parseIntervalMs('interval 30 days'), 30 * 86_400_000);
  assert.equal(parseIntervalMs('interval 1 week'), 7 * 86_400_000);
  assert.equal(parseIntervalMs('168 hours'), 168 * 3_600_000);
  assert.throws(
    () => parseIntervalMs('soon'),
    (e: unknown) => isDeltaError(e, 'INVALID_ARGUMENT'),
  );
});

test('log cleanup keeps the newest checkpoint at or before the cutoff and everything after it', () => {
  const day = 86_400_000;
  const file = (name: string, modifiedMs: number) => ({
    path: `_delta_log/${name}`,
    name,
    size: 1,
    modifiedMs,
    isDirectory: false,
  });
  const log: LogFile[] = [];
  for (let v = 0; v <= 12; v += 1) log.push({ kind: 'commit', version: v, file: file(`${v}.json`, v * day) });
  for (const v of [5, 10])
    log.push({
      kind: 'checkpoint',
      version: v,
      file: file(`${v}.checkpoint.parquet`, v * day),
      part: 1,
      parts: 1,
    });
  const expired = selectExpiredLogFiles(log, 11 * day + 5);
  assert.deepEqual(
    expired.sort(),
    [
      ...Array.from({ length: 10 }, (_, v) => `_delta_log/${v}.json`),
      '_delta_log/5.checkpoint.parquet',
    ].sort(),
  );
  assert.deepEqual(selectExpiredLogFiles(log, 4 * day), []);
});

test('schema reconciliation and protocol requirements', () => {
  const table = {
    type: 'struct' as const,
    fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }],
  };
  assert.ok(canWriteInto('integer', 'long'));
  assert.ok(!canWriteInto('long', 'integer'));
  assert.ok(canWriteInto('decimal(10,2)', 'decimal(12,2)'));
  assert.ok(!canWriteInto('decimal(10,2)', 'decimal(10,3)'));
  const incoming = {
    type: 'struct' as const,
    fields: [{ name: 'ID', type: 'integer', nullable: true, metadata: {} }],
  };
  assert.equal(reconcileSchema(table, incoming, false), table);
  const ntz = {
    type: 'struct' as const,
    fields: [{ name: 't', type: 'timestamp_ntz', nullable: true, metadata: {} }],
  };
  assert.deepEqual(requireProtocol(undefined, table), { minReaderVersion: 1, minWriterVersion: 2 });
  assert.deepEqual(requireProtocol(undefined, ntz), {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ['timestampNtz'],
    writerFeatures: ['appendOnly', 'invariants', 'timestampNtz'],
  });
  const dv = { 'delta.enableDeletionVectors': 'true' };
  const withDv = requireProtocol(undefined, table, dv);
  assert.deepEqual(withDv, {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ['deletionVectors'],
    writerFeatures: ['appendOnly', 'invariants', 'deletionVectors'],
  });
  assert.equal(requireProtocol(withDv, table, dv), withDv, 'already there: unchanged');
  assert.deepEqual(requireProtocol(requireProtocol(undefined, ntz), ntz, dv).readerFeatures, [
    'timestampNtz',
    'deletionVectors',
  ]);
  assert.deepEqual(requireProtocol(undefined, table, { 'delta.enableDeletionVectors': 'false' }), {
    minReaderVersion: 1,
    minWriterVersion: 2,
  });
});
