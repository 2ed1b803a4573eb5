import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Action, AddFile, DeletionVectorDescriptor } from '../../pipelines/delta/actions';
import { isDeltaError } from '../../pipelines/delta/errors';
import { getDeletionVectorId, replayActions } from '../../pipelines/delta/replay';

const protocol: Action = { protocol: { minReaderVersion: 1, minWriterVersion: 2 } };
const metaData = (id: string): Action => ({
  metaData: {
    id,
    format: { provider: 'parquet' },
    schemaString: '{"type":"struct","fields":[]}',
    partitionColumns: [],
    configuration: {},
  },
});
const add = (path: string, extra: Partial<AddFile> = {}): Action => ({
  add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, ...extra },
});
const remove = (path: string, deletionVector?: DeletionVectorDescriptor): Action => ({
  remove: { path, dataChange: true, ...(deletionVector ? { deletionVector } : {}) },
});
const dv = (id: string, offset?: number): DeletionVectorDescriptor => ({
  storageType: 'u',
  pathOrInlineDv: id,
  sizeInBytes: 10,
  cardinality: 1,
  ...(offset === undefined ? {} : { offset }),
});

test('newest action per path wins: remove cancels add, a later re-add revives it', () => {
  const state = replayActions(
    [],
    [
      { version: 0, actions: [protocol, metaData('a'), add('foo', { modificationTime: 1 }), add('bar')] },
      { version: 1, actions: [remove('foo')] },
      { version: 2, actions: [add('foo', { modificationTime: 3 })] },
    ],
    2,
  );
  assert.deepEqual(state.files.map((file) => file.path).sort(), ['bar', 'foo']);
  assert.equal(state.files.find((file) => file.path === 'foo')?.modificationTime, 3);
  assert.equal(state.tombstones.length, 0);
});

test('the logical file key is (path, deletion vector id)', () => {
  const state = replayActions(
    [],
    [
      { version: 0, actions: [protocol, metaData('a'), add('f')] },
      { version: 1, actions: [add('f', { deletionVector: dv('abc', 1) }), remove('f')] },
      { version: 2, actions: [add('f', { deletionVector: dv('abc', 9) }), remove('f', dv('abc', 1))] },
    ],
    2,
  );
  assert.equal(state.files.length, 1);
  assert.equal(state.files[0]?.deletionVector?.offset, 9);
  assert.equal(state.tombstones.length, 2);
  assert.equal(getDeletionVectorId(dv('abc', 1)), 'uabc@1');
  assert.equal(getDeletionVectorId(dv('abc')), 'uabc');
});

test('paths are compared after URI decoding and file: scheme canonicalisation', () => {
  const state = replayActions(
    [],
    [
      { version: 0, actions: [protocol, metaData('a'), add('/x/with%20space/p@%23h'), add('a%20b')] },
      {
        version: 1,
        actions: [remove('file:///x/with%20space/p@%23h'), remove('file:/nothing'), remove('a b')],
      },
    ],
    1,
  );
  assert.deepEqual(state.files, []);
});

test('latest metaData and protocol win; txn per appId; domainMetadata drops removed domains', () => {
  const state = replayActions(
    [protocol, metaData('old'), { txn: { appId: 'app', version: 1 } }, add('cp')],
    [
      {
        version: 11,
        actions: [
          metaData('new'),
          { protocol: { minReaderVersion: 1, minWriterVersion: 3 } },
          { txn: { appId: 'app', version: 2 } },
          { txn: { appId: 'other', version: 7 } },
          { domainMetadata: { domain: 'd1', configuration: '{}', removed: false } },
          { domainMetadata: { domain: 'd2', configuration: '{}', removed: false } },
          { commitInfo: { operation: 'WRITE' } },
        ],
      },
      { version: 12, actions: [{ domainMetadata: { domain: 'd2', configuration: '', removed: true } }] },
    ],
    12,
  );
  assert.equal(state.metadata.id, 'new');
  assert.equal(state.protocol.minWriterVersion, 3);
  assert.equal(state.txns.get('app')?.version, 2);
  assert.equal(state.txns.get('other')?.version, 7);
  assert.deepEqual([...state.domains.keys()], ['d1']);
  assert.equal(state.commitInfo, undefined, 'commitInfo belongs to the snapshot version only');
  assert.deepEqual(
    state.files.map((file) => file.path),
    ['cp'],
  );
});

test('missing protocol or metaData is an error', () => {
  assert.throws(
    () => replayActions([], [{ version: 0, actions: [metaData('a')] }], 0),
    (error: unknown) => isDeltaError(error, 'MISSING_PROTOCOL'),
  );
  assert.throws(
    () => replayActions([], [{ version: 0, actions: [protocol] }], 0),
    (error: unknown) => isDeltaError(error, 'MISSING_METADATA'),
  );
});
