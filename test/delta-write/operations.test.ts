// Restore, optimize and vacuum, and a writer that crashes between writing data files and committing.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { optimize } from '../../pipelines/delta/write/optimize';
import { restore } from '../../pipelines/delta/write/restore';
import { vacuum } from '../../pipelines/delta/write/vacuum';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { openTestLake, readRows, type TestLake } from './helpers';

const DAY = 24 * 3_600_000;
let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

test('restore to a version and to a timestamp adds back and removes files in one commit', async () => {
  const root = 'tables/restore';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id' });
  await append(lake.effects, root, 'SELECT 2 AS id');
  await overwrite(lake.effects, root, 'SELECT 3 AS id');
  const restored = await restore(lake.effects, root, { version: 1 });
  assert.equal(restored.version, 3);
  assert.equal(restored.metrics.numRestoredFiles, 2);
  assert.equal(restored.metrics.numRemovedFiles, 1);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 1 }, { id: 2 }]);
  const history = await loadSnapshot(lake.effects, root, { version: 0 });
  const again = await restore(lake.effects, root, {
    timestamp: Number(history.commitInfo?.timestamp),
    timestampSource: 'commitInfo',
  });
  assert.equal(again.version, 4);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 1 }]);
  assert.deepEqual(await readRows(lake.effects, root, { version: 2 }), [{ id: 3 }]);
});

test('optimize compacts small files per partition with dataChange=false and keeps rows', async () => {
  const root = 'tables/optimize';
  await createTable(lake.effects, root, {
    partitionColumns: ['p'],
    data: `SELECT range AS id, range % 2 AS p FROM range(10)`,
  });
  for (let i = 0; i < 3; i += 1)
    await append(lake.effects, root, `SELECT range + ${(i + 1) * 10} AS id, range % 2 AS p FROM range(10)`);
  const before = await readRows(lake.effects, root);
  assert.equal((await loadSnapshot(lake.effects, root)).files.length, 8);
  const result = await optimize(lake.effects, root, { sortBy: ['id'] });
  assert.equal(result.metrics.numFilesRemoved, 8);
  assert.equal(result.metrics.numFilesAdded, 2);
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.equal(snapshot.files.length, 2);
  assert.ok(snapshot.files.every((file) => file.dataChange === false));
  assert.deepEqual(await readRows(lake.effects, root), before);
  const noop = await optimize(lake.effects, root);
  assert.equal(noop.version, snapshot.version);
});

test('vacuum: refuses short retention, dry-runs, deletes expired removed files and crash orphans', async () => {
  const root = 'tables/vacuum';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id' });
  await overwrite(lake.effects, root, 'SELECT 2 AS id');
  const crashing = {
    ...lake.effects,
    hooks: {
      beforeCommit: () => {
        throw new Error('simulated crash before commit');
      },
    },
  };
  await assert.rejects(append(crashing, root, 'SELECT 99 AS id'), /simulated crash/);
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.equal(snapshot.version, 1);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 2 }]);
  const tableDir = path.join(lake.dir, root);
  await lake.storage.write(`${root}/_delta_log/keep-me.txt`, 'x');
  await lake.storage.write(`${root}/_side/keep-me.parquet`, 'x');

  await assert.rejects(vacuum(lake.effects, root, { retentionHours: 1 }), (error: unknown) =>
    isDeltaError(error, 'UNSAFE_RETENTION'),
  );
  const fresh = await vacuum(lake.effects, root);
  assert.deepEqual(fresh.files, [], 'nothing is old enough yet');

  const later = { ...lake.effects, clock: () => Date.now() + 8 * DAY };
  const dry = await vacuum(later, root, { dryRun: true });
  assert.equal(dry.files.length, 2, 'the removed file and the crash orphan');
  assert.ok(dry.files.every((file) => existsSync(path.join(lake.dir, file))));
  const done = await vacuum(later, root);
  assert.deepEqual(done.files.sort(), dry.files.sort());
  assert.ok(done.files.every((file) => !existsSync(path.join(lake.dir, file))));
  assert.ok(existsSync(path.join(tableDir, '_delta_log', 'keep-me.txt')));
  assert.ok(existsSync(path.join(tableDir, '_side', 'keep-me.parquet')));
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 2 }]);
  await assert.rejects(restore(lake.effects, root, { version: 0 }), (error: unknown) =>
    isDeltaError(error, 'FILE_NOT_FOUND'),
  );
});

test('append-only tables refuse overwrite and merge', async () => {
  const root = 'tables/append-only';
  await createTable(lake.effects, root, {
    data: 'SELECT 1 AS id',
    properties: { 'delta.appendOnly': 'true' },
  });
  await append(lake.effects, root, 'SELECT 2 AS id');
  await assert.rejects(overwrite(lake.effects, root, 'SELECT 3 AS id'), (error: unknown) =>
    isDeltaError(error, 'APPEND_ONLY'),
  );
  assert.equal((await loadSnapshot(lake.effects, root)).version, 1);
});
