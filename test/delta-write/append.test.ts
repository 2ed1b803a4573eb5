// Create, append and overwrite round-trip through our reader, with time travel and idempotent writers.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { openTestLake, readRows, sortRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

test('create, append, overwrite and time travel read back exactly', async () => {
  const root = 'tables/people';
  await createTable(lake.effects, root, {
    data: `SELECT * FROM (VALUES (1, 'ann', DATE '2024-01-01'), (2, 'bob', DATE '2024-01-02')) t(id, name, born)`,
  });
  const v1 = await append(lake.effects, root, `SELECT 3 AS id, 'cy' AS name, DATE '2024-01-03' AS born`);
  assert.equal(v1.version, 1);
  assert.deepEqual(await readRows(lake.effects, root), [
    { id: 1, name: 'ann', born: '2024-01-01' },
    { id: 2, name: 'bob', born: '2024-01-02' },
    { id: 3, name: 'cy', born: '2024-01-03' },
  ]);
  const v2 = await overwrite(lake.effects, root, `SELECT 9 AS id, 'zed' AS name, NULL::DATE AS born`);
  assert.equal(v2.version, 2);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 9, name: 'zed', born: null }]);
  assert.equal((await readRows(lake.effects, root, { version: 0 })).length, 2);
  assert.equal((await readRows(lake.effects, root, { version: 1 })).length, 3);
});

test('partitioned table: Hive directories, null partitions, partition overwrite', async () => {
  const root = 'tables/events';
  await createTable(lake.effects, root, {
    partitionColumns: ['region', 'day'],
    data: `SELECT * FROM (VALUES (1, 'north', DATE '2024-01-01'), (2, 'south/east', DATE '2024-01-01'), (3, NULL, DATE '2024-01-02')) t(id, region, day)`,
  });
  const snapshot = await loadSnapshot(lake.effects, root);
  const paths = snapshot.files.map((file) => file.path).sort();
  assert.equal(paths.length, 3);
  assert.ok(paths.some((p) => p.startsWith('region=__HIVE_DEFAULT_PARTITION__/day=2024-01-02/part-00')));
  assert.ok(paths.some((p) => p.startsWith('region=south%252Feast/day=2024-01-01/')));
  assert.deepEqual(
    sortRows(snapshot.files.map((file) => file.partitionValues)),
    sortRows([
      { region: 'north', day: '2024-01-01' },
      { region: 'south/east', day: '2024-01-01' },
      { region: null, day: '2024-01-02' },
    ]),
  );
  await overwrite(lake.effects, root, `SELECT 4 AS id, 'north' AS region, DATE '2024-01-01' AS day`, {
    partitionFilter: { region: 'north' },
  });
  assert.deepEqual(
    await readRows(lake.effects, root),
    sortRows([
      { id: 3, region: null, day: '2024-01-02' },
      { id: 4, region: 'north', day: '2024-01-01' },
      { id: 2, region: 'south/east', day: '2024-01-01' },
    ]),
  );
  await assert.rejects(
    overwrite(lake.effects, root, `SELECT 5 AS id, 'west' AS region, DATE '2024-01-01' AS day`, {
      partitionFilter: { region: 'north' },
    }),
    (error: unknown) => isDeltaError(error, 'INVALID_ARGUMENT'),
  );
});

test('idempotent writers: the same appId/version is applied once', async () => {
  const root = 'tables/idem';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id' });
  const first = await append(lake.effects, root, 'SELECT 2 AS id', { txn: { appId: 'loader', version: 7 } });
  const second = await append(lake.effects, root, 'SELECT 2 AS id', { txn: { appId: 'loader', version: 7 } });
  const older = await append(lake.effects, root, 'SELECT 2 AS id', { txn: { appId: 'loader', version: 3 } });
  assert.equal(first.alreadyApplied, false);
  assert.equal(second.alreadyApplied, true);
  assert.equal(second.version, first.version);
  assert.equal(older.alreadyApplied, true);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 1 }, { id: 2 }]);
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.equal(snapshot.txns.get('loader')?.version, 7);
});

test('schema evolution: mergeSchema adds nullable columns; incompatible types are refused', async () => {
  const root = 'tables/evolve';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id, 10 AS amount' });
  await assert.rejects(
    append(lake.effects, root, `SELECT 2 AS id, 5 AS amount, 'x' AS note`),
    (error: unknown) => isDeltaError(error, 'SCHEMA_MISMATCH'),
  );
  const evolved = await append(lake.effects, root, `SELECT 2 AS id, 5 AS amount, 'x' AS note`, {
    mergeSchema: true,
  });
  assert.equal(evolved.version, 1);
  assert.deepEqual(await readRows(lake.effects, root), [
    { id: 1, amount: 10, note: null },
    { id: 2, amount: 5, note: 'x' },
  ]);
  await assert.rejects(
    append(lake.effects, root, `SELECT 3 AS id, 'lots' AS amount`, { mergeSchema: true }),
    (error: unknown) => isDeltaError(error, 'SCHEMA_MISMATCH'),
  );
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.equal(snapshot.version, 1);
  assert.deepEqual(
    snapshot.schema.fields.map((field) => [field.name, field.type, field.nullable]),
    [
      ['id', 'integer', true],
      ['amount', 'integer', true],
      ['note', 'string', true],
    ],
  );
});

test('timestamp partitions and timestamp_ntz columns round-trip (table features 3/7 for timestamp_ntz)', async () => {
  const root = 'tables/times';
  await createTable(lake.effects, root, {
    partitionColumns: ['at'],
    data: `SELECT 1 AS id, TIMESTAMPTZ '2024-05-06 07:08:09.123456+00' AS at, TIMESTAMP '2024-05-06 07:08:09' AS local_at`,
  });
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.deepEqual(snapshot.protocol, {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ['timestampNtz'],
    writerFeatures: ['appendOnly', 'invariants', 'timestampNtz'],
  });
  assert.deepEqual(snapshot.files[0]?.partitionValues, { at: '2024-05-06T07:08:09.123456Z' });
  assert.match(String(snapshot.files[0]?.path), /^at=2024-05-06T07%253A08%253A09\.123456Z\//);
  const rows = await readRows(lake.effects, root);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.id, 1);
  assert.match(String(rows[0]?.at), /^2024-05-06 07:08:09\.123456/);
  assert.match(String(rows[0]?.local_at), /^2024-05-06 07:08:09/);
});

test('extraCommitInfo adds fields to commitInfo without overriding the standard ones', async () => {
  const root = 'tables/extra-info';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id' });
  await append(lake.effects, root, 'SELECT 2 AS id', {
    extraCommitInfo: { pipelineRun: { runId: 'r-1', watermark: '2024-01-01' }, operation: 'HIJACK' },
  });
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.equal(snapshot.commitInfo?.operation, 'WRITE');
  assert.deepEqual(snapshot.commitInfo?.pipelineRun, { runId: 'r-1', watermark: '2024-01-01' });
});

test('a partitioned table with a column named filename reads back (DuckDB file column renamed)', async () => {
  const root = 'tables/uploads';
  await createTable(lake.effects, root, {
    partitionColumns: ['kind'],
    data: `SELECT * FROM (VALUES (1, 'a.csv', 'csv'), (2, 'b.pdf', 'pdf')) t(id, filename, kind)`,
  });
  assert.deepEqual(await readRows(lake.effects, root), [
    { id: 1, filename: 'a.csv', kind: 'csv' },
    { id: 2, filename: 'b.pdf', kind: 'pdf' },
  ]);
});
