// Merge by key: upserts and deletes in one commit, only files whose key ranges overlap are rewritten.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { readCommit } from '../../pipelines/delta/read-commit';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { append } from '../../pipelines/delta/write/write-table';
import { getCommitPath } from '../../pipelines/delta/write/commit-file';
import { openTestLake, readRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

test('merge upserts and deletes; untouched files are not rewritten', async () => {
  const root = 'tables/accounts';
  await createTable(lake.effects, root, {
    data: `SELECT range AS id, 'a' || range AS name FROM range(0, 100)`,
  });
  await append(lake.effects, root, `SELECT range AS id, 'b' || range AS name FROM range(100, 200)`);
  await append(lake.effects, root, `SELECT range AS id, 'c' || range AS name FROM range(200, 300)`);
  const before = await loadSnapshot(lake.effects, root);
  const result = await merge(
    lake.effects,
    root,
    `SELECT * FROM (VALUES (150, 'changed', false), (160, NULL, true), (1000, 'new', false), (2000, NULL, true)) s(id, name, gone)`,
    { keys: ['id'], deleteColumn: 'gone' },
  );
  assert.equal(result.version, 3);
  assert.equal(result.filesRewritten, 1);
  assert.equal(result.metrics.numTargetRowsUpdated, 1);
  assert.equal(result.metrics.numTargetRowsInserted, 1);
  assert.equal(result.metrics.numTargetRowsDeleted, 1);
  const rewritten = before.files.find((file) => file.stats?.includes('"minValues":{"id":100'));
  assert.ok(rewritten);
  assert.equal(result.bytesRewritten, rewritten.size);
  const actions = await readCommit(lake.effects, { path: getCommitPath(root, 3) }, 3);
  assert.deepEqual(
    actions.map((action) => Object.keys(action)[0]),
    ['commitInfo', 'remove', 'add'],
  );
  const rows = await readRows(lake.effects, root);
  assert.equal(rows.length, 300);
  const byId = new Map(rows.map((row) => [Number(row.id), row.name]));
  assert.equal(byId.get(150), 'changed');
  assert.equal(byId.has(160), false);
  assert.equal(byId.get(1000), 'new');
  assert.equal(byId.get(5), 'a5');
  assert.equal(byId.get(250), 'c250');
  assert.equal((await readRows(lake.effects, root, { version: 2 })).length, 300);
});

test('merge refuses duplicate source keys and leaves the table untouched', async () => {
  const root = 'tables/dupes';
  await createTable(lake.effects, root, { data: `SELECT 1 AS id, 'x' AS v` });
  await assert.rejects(
    merge(lake.effects, root, `SELECT * FROM (VALUES (1, 'a'), (1, 'b')) s(id, v)`, { keys: ['id'] }),
    (error: unknown) => isDeltaError(error, 'DUPLICATE_SOURCE_KEYS'),
  );
  assert.equal((await loadSnapshot(lake.effects, root)).version, 0);
});

test('merge with mergeSchema adds the new column in the same commit', async () => {
  const root = 'tables/merge-evolve';
  await createTable(lake.effects, root, { data: `SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(id, v)` });
  await merge(lake.effects, root, `SELECT 2 AS id, 'yy' AS v, 7 AS extra`, {
    keys: ['id'],
    mergeSchema: true,
  });
  assert.deepEqual(await readRows(lake.effects, root), [
    { id: 1, v: 'x', extra: null },
    { id: 2, v: 'yy', extra: 7 },
  ]);
});

test('merge into a partitioned table keyed by a partition column and an id', async () => {
  const root = 'tables/merge-part';
  await createTable(lake.effects, root, {
    partitionColumns: ['region'],
    data: `SELECT * FROM (VALUES ('n', 1, 10), ('n', 2, 20), ('s', 1, 30)) t(region, id, amount)`,
  });
  const result = await merge(lake.effects, root, `SELECT 's' AS region, 1 AS id, 31 AS amount`, {
    keys: ['region', 'id'],
  });
  assert.equal(result.filesRewritten, 1);
  assert.deepEqual(await readRows(lake.effects, root), [
    { region: 'n', id: 1, amount: 10 },
    { region: 'n', id: 2, amount: 20 },
    { region: 's', id: 1, amount: 31 },
  ]);
});
