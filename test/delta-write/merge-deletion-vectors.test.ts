// Merge with deletion vectors (delta.enableDeletionVectors=true): the same rows as copy-on-write for inserts,
// updates, deletes and mixes; matched rows marked in DVs (united across merges) instead of rewritten files; the
// protocol carries the feature; time travel, restore across DV versions, optimize materialising the DVs, vacuum
// keeping referenced DV files; checkpoint state equals commit state; native DuckDB over scan-sql sees the same rows.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddFile } from '../../pipelines/delta/actions';
import { loadDeletedRows } from '../../pipelines/delta/deletion-vectors';
import { readCommit } from '../../pipelines/delta/read-commit';
import { planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { getCommitPath } from '../../pipelines/delta/write/commit-file';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { restore } from '../../pipelines/delta/write/restore';
import { vacuum } from '../../pipelines/delta/write/vacuum';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';
import { checkCheckpointMatchesCommits } from '../conformance/log-facts';
import { openTestLake, readRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const DV = { 'delta.enableDeletionVectors': 'true' };
const SEED = `SELECT range AS id, 'v' || range AS name, range % 7 AS grp FROM range(0, 3000)`;

async function createPair(name: string, partitionColumns: string[] = []): Promise<[string, string]> {
  const cow = `tables/${name}-cow`;
  const dv = `tables/${name}-dv`;
  // Three files of 1,000 rows each, so merges touch some files and not others.
  const layout = { sortBy: ['id'], rowsPerFile: 1000 };
  await createTable(lake.effects, cow, { data: SEED, layout, partitionColumns });
  await createTable(lake.effects, dv, { data: SEED, layout, partitionColumns, properties: DV });
  return [cow, dv];
}

async function mergeBoth(roots: [string, string], source: string): Promise<void> {
  const options = { keys: ['id'], deleteColumn: 'gone' };
  const [cow, dv] = await Promise.all([
    merge(lake.effects, roots[0], source, options),
    merge(lake.effects, roots[1], source, options),
  ]);
  for (const key of ['numTargetRowsUpdated', 'numTargetRowsInserted', 'numTargetRowsDeleted']) {
    assert.equal(dv.metrics[key], cow.metrics[key], key);
  }
  assert.deepEqual(await readRows(lake.effects, roots[1]), await readRows(lake.effects, roots[0]));
}

const source = (rows: string): string => `SELECT * FROM (VALUES ${rows}) s(id, name, grp, gone)`;

test('a table with delta.enableDeletionVectors carries the deletionVectors table feature', async () => {
  const [, dv] = await createPair('protocol');
  const snapshot = await loadSnapshot(lake.effects, dv);
  assert.equal(snapshot.protocol.minReaderVersion, 3);
  assert.equal(snapshot.protocol.minWriterVersion, 7);
  assert.ok(snapshot.protocol.readerFeatures?.includes('deletionVectors'));
  assert.ok(snapshot.protocol.writerFeatures?.includes('deletionVectors'));
  assert.equal(snapshot.files.length, 3);
});

test('merge with DVs gives the same rows as copy-on-write: inserts, updates, deletes, mixed', async () => {
  const roots = await createPair('same');
  await mergeBoth(roots, source(`(5000, 'new', 1, false), (5001, 'new2', 2, false)`));
  await mergeBoth(roots, source(`(10, 'u10', 3, false), (1500, 'u1500', 3, false)`));
  await mergeBoth(roots, source(`(11, 'x', 0, true), (2999, 'x', 0, true), (9999, 'x', 0, true)`));
  await mergeBoth(
    roots,
    source(`(12, 'm12', 0, false), (13, 'x', 0, true), (6000, 'm6000', 1, false), (10, 'again', 0, false)`),
  );
  const snapshot = await loadSnapshot(lake.effects, roots[1]);
  const withDv = snapshot.files.filter((file) => file.deletionVector);
  assert.ok(withDv.length >= 2, 'touched files carry DVs');
  const commit = await readCommit(lake.effects, { path: getCommitPath(roots[1], 2) }, 2);
  const info = commit[0]?.commitInfo as { operationMetrics: Record<string, string> };
  assert.equal(info.operationMetrics.numTargetDeletionVectorsAdded, '2');
  assert.equal(info.operationMetrics.numTargetFilesRemoved, '0');
  assert.equal(info.operationMetrics.numTargetRowsCopied, '0');
  const add = commit.find((action) => action.add?.deletionVector)?.add as AddFile;
  assert.equal(add.dataChange, true);
  const stats = JSON.parse(String(add.stats)) as { numRecords: number; tightBounds: boolean };
  assert.equal(stats.numRecords, 1000, 'numRecords stays the physical row count');
  assert.equal(stats.tightBounds, false);
  const removed = commit.find((action) => action.remove?.path === add.path)?.remove;
  assert.ok(removed, 'the old logical file is removed');
});

test('repeated merges on the same file unite its deletion vector', async () => {
  const roots = await createPair('union');
  await mergeBoth(roots, source(`(100, 'a', 1, false)`));
  await mergeBoth(roots, source(`(200, 'x', 0, true), (300, 'b', 1, false)`));
  await mergeBoth(roots, source(`(100, 'c', 1, false)`)); // now lives in a new file: only that one is touched
  const snapshot = await loadSnapshot(lake.effects, roots[1]);
  const first = snapshot.files.find((file) => file.stats?.includes('"minValues":{"id":0'));
  assert.ok(first?.deletionVector);
  assert.deepEqual(await loadDeletedRows(lake.storage, roots[1], first.deletionVector), [100, 200, 300]);
  const v1 = await readRows(lake.effects, roots[1], { version: 1 });
  assert.equal(v1.find((row) => Number(row.id) === 100)?.name, 'a', 'time travel to the first merge');
  const v0 = await readRows(lake.effects, roots[1], { version: 0 });
  assert.equal(v0.length, 3000);
  assert.equal(v0.find((row) => Number(row.id) === 200)?.name, 'v200');
});

test('a file whose rows are all deleted is removed; partitioned tables work', async () => {
  const roots = await createPair('whole', ['grp']);
  const keys = Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 7 === 3);
  await mergeBoth(roots, source(keys.map((id) => `(${id}, 'x', 0, true)`).join(', ')));
  const snapshot = await loadSnapshot(lake.effects, roots[1]);
  assert.ok(snapshot.files.every((file) => file.partitionValues.grp !== '3'));
  assert.ok(snapshot.files.every((file) => !file.deletionVector));
  await mergeBoth(roots, source(`(14, 'x', 0, false), (15, 'x', 0, true)`));
});

test('restore, optimize and vacuum across DV versions; checkpoint and native DuckDB agree', async () => {
  const roots = await createPair('maintain');
  const many = Array.from({ length: 40 }, (_, i) => `(${1100 + i * 10}, 'x', 0, true)`).join(', ');
  await mergeBoth(roots, source(`(1, 'one', 1, false), (1001, 'x', 0, true), ${many}`)); // v1: a DV file
  await mergeBoth(roots, source(`(2, 'x', 0, true), (2002, 'two', 2, false)`)); // v2
  const [, dv] = roots;
  const atV1 = await readRows(lake.effects, dv, { version: 1 });
  const restored = await restore(lake.effects, dv, { version: 1 });
  assert.deepEqual(await readRows(lake.effects, dv), atV1);
  assert.ok((restored.metrics.numRestoredFiles ?? 0) >= 1);
  await writeCheckpoint(lake.effects, dv);
  assert.equal(await checkCheckpointMatchesCommits(lake.effects, dv), true);

  const beforeOptimize = await readRows(lake.effects, dv);
  // No file is "small" at a 1-byte target: only the file with 4.1% of its rows deleted exceeds a 1% ratio.
  const purged = await optimize(lake.effects, dv, { targetFileSize: 1, maxDeletedRowsRatio: 0.01 });
  assert.equal(purged.metrics.numFilesRemoved, 1);
  assert.equal(purged.metrics.numDeletionVectorsRemoved, 1);
  const partly = await loadSnapshot(lake.effects, dv);
  assert.equal(partly.files.filter((file) => file.deletionVector).length, 1, 'the 0.1% file keeps its DV');
  assert.deepEqual(await readRows(lake.effects, dv), beforeOptimize);
  const optimized = await optimize(lake.effects, dv);
  assert.ok((optimized.metrics.numFilesRemoved ?? 0) >= 1);
  const after = await loadSnapshot(lake.effects, dv);
  assert.ok(
    after.files.every((file) => !file.deletionVector),
    'optimize materialises the DVs',
  );
  assert.deepEqual(await readRows(lake.effects, dv), beforeOptimize);
  assert.deepEqual(await readRows(lake.effects, dv, { version: 2 }), await readRows(lake.effects, roots[0]));

  // Vacuum with zero retention (forced) removes DV files no version still needs; with the default it keeps them.
  const kept = await vacuum(lake.effects, dv, { dryRun: true });
  assert.ok(!kept.files.some((file) => file.includes('deletion_vector_')));
  const later = { ...lake.effects, clock: () => Date.now() + 60_000 };
  const forced = await vacuum(later, dv, { retentionHours: 0, force: true, dryRun: true });
  assert.ok(forced.files.some((file) => file.includes('deletion_vector_')));

  // Native DuckDB reading our snapshot through scan-sql filters the deleted rows.
  const v2 = await loadSnapshot(lake.effects, dv, { version: 2 });
  const plan = await planScan(lake.effects, v2);
  try {
    const counted = await lake.duckdb.queryJson(
      `SELECT count(*) AS n, count(*) FILTER (WHERE id = 2) AS deleted, max(name) FILTER (WHERE id = 2002) AS name FROM (${plan.sql})`,
    );
    assert.equal(Number(counted[0]?.n), 3000 - 42);
    assert.equal(Number(counted[0]?.deleted), 0);
    assert.equal(counted[0]?.name, 'two');
  } finally {
    await plan.release();
  }
});

test('without the property merge stays copy-on-write', async () => {
  const [cow] = await createPair('plain');
  const result = await merge(lake.effects, cow, source(`(5, 'x', 1, false)`), {
    keys: ['id'],
    deleteColumn: 'gone',
  });
  assert.equal(result.filesRewritten, 1);
  const snapshot = await loadSnapshot(lake.effects, cow);
  assert.deepEqual(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
  assert.ok(snapshot.files.every((file) => !file.deletionVector));
});

test('restore refuses a version whose deletion vector file was vacuumed, and changes nothing', async () => {
  const [, dv] = await createPair('vacuumed');
  const many = Array.from({ length: 40 }, (_, i) => `(${i * 10}, 'x', 0, true)`).join(', ');
  await merge(lake.effects, dv, source(many), { keys: ['id'], deleteColumn: 'gone' }); // v1: DV file
  await optimize(lake.effects, dv); // v2: DV materialised, the DV file only referenced by v1
  const later = { ...lake.effects, clock: () => Date.now() + 60_000 };
  const removed = await vacuum(later, dv, { retentionHours: 0, force: true });
  assert.ok(removed.files.some((file) => file.includes('deletion_vector_')));
  const rows = await readRows(lake.effects, dv);
  await assert.rejects(
    restore(lake.effects, dv, { version: 1 }),
    (error: Error & { code?: string }) => error.code === 'FILE_NOT_FOUND',
  );
  assert.deepEqual(await readRows(lake.effects, dv), rows);
});

test('a table with a column named filename merges with DVs (DuckDB virtual columns do not collide)', async () => {
  const root = 'tables/filename-column';
  await createTable(lake.effects, root, {
    data: `SELECT range AS id, 'f' || range AS filename FROM range(0, 100)`,
    properties: DV,
  });
  const result = await merge(lake.effects, root, `SELECT 5 AS id, 'changed' AS filename`, { keys: ['id'] });
  assert.equal(result.metrics.numTargetRowsUpdated, 1);
  const snapshot = await loadSnapshot(lake.effects, root);
  const marked = snapshot.files.find((file) => file.deletionVector);
  assert.ok(marked?.deletionVector);
  assert.deepEqual(await loadDeletedRows(lake.storage, root, marked.deletionVector), [5]);
  assert.equal(snapshot.files.length, 2, 'the first file with its DV and the new file with the update');
});

test('two merges marking rows of the same file concurrently: the later one gets CONCURRENT_DELETE', async () => {
  const [, dv] = await createPair('race');
  const options = { keys: ['id'], deleteColumn: 'gone' };
  const racing = {
    ...lake.effects,
    hooks: {
      beforeCommit: async (attempt: number) => {
        if (attempt === 0) await merge(lake.effects, dv, source(`(20, 'winner', 1, false)`), options);
      },
    },
  };
  await assert.rejects(
    merge(racing, dv, source(`(21, 'loser', 1, false)`), options),
    (error: Error & { code?: string }) => error.code === 'CONCURRENT_DELETE',
  );
  const rows = await readRows(lake.effects, dv);
  assert.equal(rows.find((row) => Number(row.id) === 20)?.name, 'winner');
  assert.equal(rows.find((row) => Number(row.id) === 21)?.name, 'v21');
  assert.equal(rows.length, 3000);
});
