// Writer features (PROTOCOL.md "Table Features", "Writer Version Requirements"): a table whose protocol needs a
// writer feature we do not implement — listed at writer 7 or implied by a legacy writer version — is refused by
// every writing operation with an error naming the feature, and the table folder holds no new file afterwards.
// The features we do honour are written without complaint. Tables are made by our writer, then the log edited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Protocol } from '../../pipelines/delta/actions';
import { isDeltaError } from '../../pipelines/delta/errors';
import type { StructType } from '../../pipelines/delta/schema';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { restore } from '../../pipelines/delta/write/restore';
import { vacuum } from '../../pipelines/delta/write/vacuum';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';
import { SUPPORTED_WRITER_FEATURES } from '../../pipelines/delta/write/write-protocol';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { openTestLake, readRows, type TestLake } from './helpers';
import { editLog, listTableFiles } from './log-edits';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const features = (writerFeatures: string[], readerFeatures: string[] = []): Protocol => ({
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures,
  writerFeatures,
});

/** A two-file table (so optimize has work) whose log then asks for `protocol`. */
async function makeTable(name: string, protocol: Protocol): Promise<string> {
  const root = `tables/${name}`;
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id, 10 AS amount' });
  await append(lake.effects, root, 'SELECT 2 AS id, 20 AS amount');
  await editLog(lake, root, { protocol });
  return root;
}

const refusals: [string, Protocol, string][] = [
  ['row tracking', features(['appendOnly', 'invariants', 'rowTracking', 'domainMetadata']), 'rowTracking'],
  ['clustering', features(['clustering', 'domainMetadata']), 'clustering'],
  ['iceberg compat v1', features(['icebergCompatV1', 'columnMapping'], ['columnMapping']), 'icebergCompatV1'],
  ['iceberg compat v2', features(['icebergCompatV2']), 'icebergCompatV2'],
  ['an unknown feature', features(['appendOnly', 'futureFeatureX']), 'futureFeatureX'],
  ['v2 checkpoints', features(['v2Checkpoint'], ['v2Checkpoint']), 'v2Checkpoint'],
  ['a reader feature missing from writerFeatures', features([], ['typeWidening']), 'typeWidening'],
  // Read as JSON, but never written: a write would have to encode variants.
  ['variant columns', features(['variantType'], ['variantType']), 'variantType'],
];

for (const [label, protocol, feature] of refusals) {
  test(`a table needing ${label} is refused naming ${feature}, before any file is written`, async () => {
    const root = await makeTable(label.replace(/\W+/g, '-'), protocol);
    const files = await listTableFiles(lake, root);
    const version = (await loadSnapshot(lake.effects, root)).version;
    const named = (error: unknown): boolean =>
      isDeltaError(error, 'UNSUPPORTED_FEATURE') && error.message.includes(feature);
    await assert.rejects(append(lake.effects, root, 'SELECT 3 AS id, 30 AS amount'), named);
    await assert.rejects(overwrite(lake.effects, root, 'SELECT 3 AS id, 30 AS amount'), named);
    await assert.rejects(merge(lake.effects, root, 'SELECT 1 AS id, 11 AS amount', { keys: ['id'] }), named);
    await assert.rejects(optimize(lake.effects, root), named);
    await assert.rejects(restore(lake.effects, root, { version: 0 }), named);
    await assert.rejects(vacuum(lake.effects, root, { retentionHours: 0, force: true }), named);
    await assert.rejects(writeCheckpoint(lake.effects, root), named);
    assert.deepEqual(await listTableFiles(lake, root), files, 'no data or deletion vector file was added');
    assert.equal((await loadSnapshot(lake.effects, root)).version, version, 'nothing was committed');
  });
}

test('SUPPORTED_WRITER_FEATURES lists only features the writer honours', () => {
  assert.deepEqual([...SUPPORTED_WRITER_FEATURES].sort(), [
    'appendOnly',
    'changeDataFeed',
    'checkConstraints',
    'deletionVectors',
    'domainMetadata',
    'invariants',
    'timestampNtz',
    'vacuumProtocolCheck',
  ]);
});

test('tables needing only honoured features are written (legacy 2 and 3, and each listed feature)', async () => {
  const accepted: Protocol[] = [
    { minReaderVersion: 1, minWriterVersion: 3 },
    features([...SUPPORTED_WRITER_FEATURES], ['deletionVectors', 'timestampNtz', 'vacuumProtocolCheck']),
  ];
  for (const [index, protocol] of accepted.entries()) {
    const root = await makeTable(`accepted-${index}`, protocol);
    await append(lake.effects, root, 'SELECT 3 AS id, 30 AS amount');
    await merge(lake.effects, root, 'SELECT 1 AS id, 11 AS amount', { keys: ['id'] });
    await optimize(lake.effects, root);
    await writeCheckpoint(lake.effects, root);
    assert.deepEqual(await readRows(lake.effects, root), [
      { id: 1, amount: 11 },
      { id: 2, amount: 20 },
      { id: 3, amount: 30 },
    ]);
    assert.deepEqual((await loadSnapshot(lake.effects, root)).protocol, protocol, 'protocol kept as it was');
  }
});

test('generated columns, identity columns and column mapping, required but unused, do not stop a write', async () => {
  // Spark moves a table to writer 4 when its change data feed is turned on: nothing generated, nothing to honour.
  const unused: Protocol[] = [
    { minReaderVersion: 1, minWriterVersion: 4 },
    { minReaderVersion: 2, minWriterVersion: 5 },
    { minReaderVersion: 1, minWriterVersion: 6 },
    features(['generatedColumns', 'identityColumns', 'columnMapping'], ['columnMapping']),
  ];
  for (const [index, protocol] of unused.entries()) {
    const root = await makeTable(`unused-${index}`, protocol);
    await append(lake.effects, root, 'SELECT 3 AS id, 30 AS amount');
    await merge(lake.effects, root, 'SELECT 1 AS id, 11 AS amount', { keys: ['id'] });
    await vacuum(lake.effects, root, { retentionHours: 0, force: true });
    assert.deepEqual(await readRows(lake.effects, root), [
      { id: 1, amount: 11 },
      { id: 2, amount: 20 },
      { id: 3, amount: 30 },
    ]);
  }
});

test('once a column is generated or an identity, or names are mapped, the write is refused naming it', async () => {
  const field = (name: string, metadata: Record<string, unknown> = {}) => ({
    name,
    type: 'integer',
    nullable: true,
    metadata,
  });
  const cases: [string, Protocol, { schema?: StructType; configuration?: Record<string, string> }, RegExp][] =
    [
      [
        'generated',
        { minReaderVersion: 1, minWriterVersion: 4 },
        { schema: schemaOf([field('id'), field('amount', { 'delta.generationExpression': 'id * 10' })]) },
        /generated columns/,
      ],
      [
        'identity',
        { minReaderVersion: 1, minWriterVersion: 6 },
        {
          schema: schemaOf([
            field('id', {
              'delta.identity.start': 1,
              'delta.identity.step': 1,
              'delta.identity.allowExplicitInsert': true,
            }),
            field('amount'),
          ]),
        },
        /identity columns/,
      ],
      [
        'mapped',
        { minReaderVersion: 2, minWriterVersion: 5 },
        { configuration: { 'delta.columnMapping.mode': 'name', 'delta.columnMapping.maxColumnId': '0' } },
        /column mapping/,
      ],
    ];
  for (const [label, protocol, edit, message] of cases) {
    const root = await makeTable(`used-${label}`, protocol);
    await editLog(lake, root, edit);
    const files = await listTableFiles(lake, root);
    await assert.rejects(
      append(lake.effects, root, 'SELECT 3 AS id, 30 AS amount'),
      (error: unknown) => isDeltaError(error, 'UNSUPPORTED_FEATURE') && message.test(error.message),
    );
    assert.deepEqual(await listTableFiles(lake, root), files, `${label}: no file was added`);
  }
});

/** A schema as another engine's metadata writes it (field metadata values need not be strings). */
function schemaOf(fields: unknown[]): StructType {
  return { type: 'struct', fields } as unknown as StructType;
}
