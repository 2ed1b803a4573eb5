// Writing into copies of tables that Spark wrote (../shared/delta-conformance; skipped when absent): our commits
// and checkpoints must extend Spark's log so that the result reads back exactly, including tables with deletion
// vectors and Spark checkpoints.

import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { readSnapshotRows } from '../../pipelines/delta/scan';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { vacuum } from '../../pipelines/delta/write/vacuum';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { openTestLake, sortRows, type TestLake } from './helpers';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const conformanceDir = path.resolve(repoRoot, '..', 'shared', 'delta-conformance');
const skip = existsSync(conformanceDir) ? false : `conformance tables not found at ${conformanceDir}`;

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

async function copyTable(relative: string) {
  const target = path.join(lake.dir, relative.replace(/\//g, '_'));
  await cp(path.join(conformanceDir, relative), target, { recursive: true });
  return { storage: new LocalLakeStorage(target), duckdb: lake.duckdb };
}

test('append, partition overwrite and checkpoint on a Spark partitioned table', { skip }, async () => {
  const effects = await copyTable('dat/basic_partitioned/delta');
  const before = await readSnapshotRows(effects, await loadSnapshot(effects, ''));
  await append(effects, '', `SELECT 'z' AS letter, 99::BIGINT AS number, 9.5::DOUBLE AS a_float`);
  await overwrite(effects, '', `SELECT 'a' AS letter, 100::BIGINT AS number, 1.0::DOUBLE AS a_float`, {
    partitionFilter: { letter: 'a' },
  });
  await writeCheckpoint(effects, '');
  const rows = await readSnapshotRows(effects, await loadSnapshot(effects, ''));
  const expected = [
    ...before.filter((row) => row.letter !== 'a'),
    { letter: 'z', number: '99', a_float: 9.5 },
    { letter: 'a', number: '100', a_float: 1 },
  ];
  assert.deepEqual(sortRows(rows), sortRows(expected));
});

test(
  'merge, optimize and vacuum on a Spark table with deletion vectors and a checkpoint',
  { skip },
  async () => {
    const effects = await copyTable('golden/dv-partitioned-with-checkpoint/delta');
    const snapshot = await loadSnapshot(effects, '');
    assert.ok(snapshot.files.some((file) => file.deletionVector));
    const before = await readSnapshotRows(effects, snapshot);
    assert.equal(before.length, 35);
    // col1 is unique here; update one row, delete another, insert a third (all keyed by col1).
    await merge(
      effects,
      '',
      `SELECT * FROM (VALUES (6, 36, 'changed', false), (8, 38, NULL, true), (3, 1000, 'new', false)) s(part, col1, col2, gone)`,
      { keys: ['col1'], deleteColumn: 'gone' },
    );
    const expected = [
      ...before.filter((row) => row.col1 !== 36 && row.col1 !== 38),
      { part: 6, col1: 36, col2: 'changed' },
      { part: 3, col1: 1000, col2: 'new' },
    ];
    assert.deepEqual(
      sortRows(await readSnapshotRows(effects, await loadSnapshot(effects, ''))),
      sortRows(expected),
    );
    await optimize(effects, '');
    await writeCheckpoint(effects, '');
    const latest = await loadSnapshot(effects, '');
    assert.deepEqual(sortRows(await readSnapshotRows(effects, latest)), sortRows(expected));
    // Files removed long ago (and their deletion vectors) may go; the live table stays readable.
    const later = { ...effects, clock: () => Date.now() + 30 * 24 * 3_600_000 };
    await vacuum(later, '');
    assert.deepEqual(
      sortRows(await readSnapshotRows(effects, await loadSnapshot(effects, ''))),
      sortRows(expected),
    );
  },
);
