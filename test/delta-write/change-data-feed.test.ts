// Change Data Feed, write side: a table with delta.enableChangeDataFeed gets writer 4 (or the changeDataFeed
// feature on a writer-7 table); merges that change rows (copy-on-write and deletion vectors, partitioned or not),
// overwrites replacing files with deletion vectors and restores write `_change_data/cdc-*.parquet` files with
// exactly the changed rows and a `cdc` action (dataChange=false) in the same commit; insert-only writes write none;
// `_change_type` never reaches a data file; enabling the feed on an existing table is a metadata commit; vacuum
// deletes change files older than the retention. The change files are read with DuckDB directly.

import assert from 'node:assert/strict';
import { readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Action } from '../../pipelines/delta/actions';
import { readCommit } from '../../pipelines/delta/read-commit';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { getCommitPath } from '../../pipelines/delta/write/commit-file';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { restore } from '../../pipelines/delta/write/restore';
import { setTableProperties } from '../../pipelines/delta/write/set-properties';
import { vacuum } from '../../pipelines/delta/write/vacuum';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { toSqlString } from '../../pipelines/engine/duckdb-session';
import { openTestLake, readRows, sortRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const CDF = { 'delta.enableChangeDataFeed': 'true' };
const CDF_DV = { ...CDF, 'delta.enableDeletionVectors': 'true' };
const SEED = `SELECT range::INTEGER AS id, 'v' || range AS name, (range % 3)::INTEGER AS grp FROM range(0, 30)`;
const source = (rows: string): string => `SELECT * FROM (VALUES ${rows}) s(id, name, grp, gone)`;
// Updates 1 and 20 (20 moves to another grp), deletes 2 and 25, inserts 100; 99 is a delete of a missing key.
const MIX = source(
  `(1, 'one', 1, false), (20, 'twenty', 0, false), (2, NULL, NULL, true), (25, NULL, NULL, true), (100, 'hundred', 1, false), (99, NULL, NULL, true)`,
);
const MIX_CHANGES = [
  { id: 1, name: 'v1', grp: 1, _change_type: 'update_preimage' },
  { id: 1, name: 'one', grp: 1, _change_type: 'update_postimage' },
  { id: 20, name: 'v20', grp: 2, _change_type: 'update_preimage' },
  { id: 20, name: 'twenty', grp: 0, _change_type: 'update_postimage' },
  { id: 2, name: 'v2', grp: 2, _change_type: 'delete' },
  { id: 25, name: 'v25', grp: 1, _change_type: 'delete' },
  { id: 100, name: 'hundred', grp: 1, _change_type: 'insert' },
];

async function commitActions(root: string, version: number): Promise<Action[]> {
  return readCommit(lake.effects, { path: getCommitPath(root, version) }, version);
}

/** The rows of a version's change files, read with DuckDB from the files its cdc actions name. */
async function readChangeRows(root: string, version: number): Promise<Record<string, unknown>[]> {
  const snapshot = await loadSnapshot(lake.effects, root, { version });
  const cdcs = (await commitActions(root, version)).flatMap((action) => (action.cdc ? [action.cdc] : []));
  const rows: Record<string, unknown>[] = [];
  for (const cdc of cdcs) {
    assert.equal(cdc.dataChange, false, 'a cdc action has dataChange=false');
    assert.match(cdc.path, /^_change_data\/(.+\/)?cdc-\d{5}-[0-9a-f-]+-c000\.zstd\.parquet$/);
    const file = path.join(lake.dir, root, decodeURIComponent(cdc.path));
    const read = await lake.duckdb.queryJson(`SELECT * FROM read_parquet(${toSqlString(file)})`);
    // Partition columns live in the cdc action's partitionValues, as in data files.
    for (const row of read) {
      for (const column of snapshot.partitionColumns) {
        const value = cdc.partitionValues[column];
        row[column] = value === null || value === undefined ? null : Number(value);
      }
      rows.push(row);
    }
  }
  return sortRows(rows);
}

async function assertNoChangeTypeInDataFiles(root: string): Promise<void> {
  const snapshot = await loadSnapshot(lake.effects, root);
  for (const file of snapshot.files) {
    const local = path.join(lake.dir, root, decodeURIComponent(file.path));
    const columns = await lake.duckdb.queryJson(
      `SELECT name FROM parquet_schema(${toSqlString(local)}) WHERE name = '_change_type'`,
    );
    assert.deepEqual(columns, [], `${file.path} has no _change_type column`);
  }
}

test('enabling the change data feed sets writer 4, or the changeDataFeed feature beside deletion vectors', async () => {
  await createTable(lake.effects, 'tables/proto-cdf', { data: SEED, properties: CDF });
  assert.deepEqual((await loadSnapshot(lake.effects, 'tables/proto-cdf')).protocol, {
    minReaderVersion: 1,
    minWriterVersion: 4,
  });
  await createTable(lake.effects, 'tables/proto-cdf-dv', { data: SEED, properties: CDF_DV });
  const protocol = (await loadSnapshot(lake.effects, 'tables/proto-cdf-dv')).protocol;
  assert.equal(protocol.minWriterVersion, 7);
  assert.ok(protocol.writerFeatures?.includes('changeDataFeed'));
  assert.ok(protocol.readerFeatures?.includes('deletionVectors'));
  assert.ok(!protocol.readerFeatures?.includes('changeDataFeed'), 'a writer-only feature');
});

for (const [label, properties, partitionColumns] of [
  ['copy-on-write', CDF, []],
  ['deletion vectors', CDF_DV, []],
  ['copy-on-write, partitioned', CDF, ['grp']],
  ['deletion vectors, partitioned', CDF_DV, ['grp']],
] as const) {
  test(`a merge (${label}) writes change files holding exactly the changed rows`, async () => {
    const root = `tables/merge-${label.replace(/[^a-z]+/g, '-')}`;
    await createTable(lake.effects, root, {
      data: SEED,
      properties,
      partitionColumns: [...partitionColumns],
      layout: { sortBy: ['id'], rowsPerFile: 10 },
    });
    const result = await merge(lake.effects, root, MIX, { keys: ['id'], deleteColumn: 'gone' });
    assert.equal(result.version, 1);
    assert.deepEqual(await readChangeRows(root, 1), sortRows(MIX_CHANGES));
    if (partitionColumns.length > 0) {
      const cdcs = (await commitActions(root, 1)).flatMap((a) => (a.cdc ? [a.cdc] : []));
      for (const cdc of cdcs) assert.match(cdc.path, /^_change_data\/grp=\d\/cdc-/);
    }
    // A second merge on top (with deletion vectors: on files that already have one) only reports its own rows.
    await merge(lake.effects, root, source(`(3, 'three', 0, false), (1, NULL, NULL, true)`), {
      keys: ['id'],
      deleteColumn: 'gone',
    });
    assert.deepEqual(
      await readChangeRows(root, 2),
      sortRows([
        { id: 3, name: 'v3', grp: 0, _change_type: 'update_preimage' },
        { id: 3, name: 'three', grp: 0, _change_type: 'update_postimage' },
        { id: 1, name: 'one', grp: 1, _change_type: 'delete' },
      ]),
    );
    await assertNoChangeTypeInDataFiles(root);
    const rows = await readRows(lake.effects, root);
    assert.equal(rows.length, 30 - 2 + 1 - 1);
  });
}

test('an insert-only merge and an append write no change files (their adds are the inserts)', async () => {
  const root = 'tables/insert-only';
  await createTable(lake.effects, root, { data: SEED, properties: CDF_DV });
  await merge(lake.effects, root, source(`(200, 'new', 1, false)`), { keys: ['id'], deleteColumn: 'gone' });
  await append(lake.effects, root, `SELECT 201 AS id, 'x' AS name, 2 AS grp`);
  for (const version of [1, 2]) {
    const actions = await commitActions(root, version);
    assert.ok(!actions.some((a) => a.cdc), `v${version} has no cdc action`);
    assert.ok(!actions.some((a) => a.remove), `v${version} removes nothing`);
  }
  const dir = await readdir(path.join(lake.dir, root));
  assert.ok(!dir.includes('_change_data'));
});

test('an overwrite replacing files with deletion vectors writes their live rows as deletes', async () => {
  const root = 'tables/overwrite-dv';
  await createTable(lake.effects, root, { data: SEED, properties: CDF_DV });
  await merge(lake.effects, root, source(`(0, NULL::VARCHAR, NULL::INTEGER, true)`), {
    keys: ['id'],
    deleteColumn: 'gone',
  });
  await overwrite(lake.effects, root, `SELECT 7 AS id, 'seven' AS name, 1 AS grp`);
  const changes = await readChangeRows(root, 2);
  const deletes = changes.filter((row) => row._change_type === 'delete');
  assert.equal(deletes.length, 29, 'row 0, already deleted by the merge, is not deleted again');
  assert.ok(!deletes.some((row) => row.id === 0));
  assert.deepEqual(
    changes.filter((row) => row._change_type === 'insert'),
    [{ id: 7, name: 'seven', grp: 1, _change_type: 'insert' }],
  );
  // Without deletion vectors every removed file leaves with all its rows: the commit's removes are exact.
  const plain = 'tables/overwrite-plain';
  await createTable(lake.effects, plain, { data: SEED, properties: CDF });
  await overwrite(lake.effects, plain, `SELECT 7 AS id, 'seven' AS name, 1 AS grp`);
  assert.ok(!(await commitActions(plain, 1)).some((a) => a.cdc));
});

test('a restore writes the rows it takes away and brings back, unchanged rows cancelled', async () => {
  const root = 'tables/restore-cdf';
  await createTable(lake.effects, root, { data: SEED, properties: CDF_DV });
  await merge(lake.effects, root, MIX, { keys: ['id'], deleteColumn: 'gone' });
  const result = await restore(lake.effects, root, { version: 0 });
  // What the merge wrote leaves again; what it replaced or deleted comes back.
  const leaving = MIX_CHANGES.filter((row) => ['update_postimage', 'insert'].includes(row._change_type));
  const returning = MIX_CHANGES.filter((row) => ['update_preimage', 'delete'].includes(row._change_type));
  assert.deepEqual(
    await readChangeRows(root, result.version),
    sortRows([
      ...leaving.map((row) => ({ ...row, _change_type: 'delete' })),
      ...returning.map((row) => ({ ...row, _change_type: 'insert' })),
    ]),
  );
  assert.deepEqual(await readRows(lake.effects, root), await readRows(lake.effects, root, { version: 0 }));
});

test('enabling the feed on an existing table is one metadata commit; later merges write change files', async () => {
  const root = 'tables/enable-later';
  await createTable(lake.effects, root, {
    data: SEED,
    properties: { 'delta.enableDeletionVectors': 'true' },
  });
  const before = await listFiles(root);
  const result = await setTableProperties(lake.effects, root, CDF);
  assert.equal(result.version, 1);
  const actions = await commitActions(root, 1);
  assert.deepEqual(
    actions.map((action) => Object.keys(action)[0]),
    ['commitInfo', 'protocol', 'metaData'],
  );
  assert.equal(actions[0]?.commitInfo?.operation, 'SET TBLPROPERTIES');
  assert.equal(actions[2]?.metaData?.configuration['delta.enableChangeDataFeed'], 'true');
  assert.ok(actions[1]?.protocol?.writerFeatures?.includes('changeDataFeed'));
  assert.deepEqual(await listFiles(root), [...before, '_delta_log/00000000000000000001.json'].sort());
  const again = await setTableProperties(lake.effects, root, CDF);
  assert.equal(again.alreadyApplied, true, 'already set: nothing committed');
  assert.equal((await loadSnapshot(lake.effects, root)).version, 1);
  await merge(lake.effects, root, MIX, { keys: ['id'], deleteColumn: 'gone' });
  assert.deepEqual(await readChangeRows(root, 2), sortRows(MIX_CHANGES));
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(path.join(lake.dir, root), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.relative(path.join(lake.dir, root), path.join(entry.parentPath, entry.name)))
    .sort();
}

test('vacuum deletes change files older than the retention and keeps newer ones', async () => {
  const root = 'tables/vacuum-cdf';
  await createTable(lake.effects, root, { data: SEED, properties: CDF });
  await merge(lake.effects, root, MIX, { keys: ['id'], deleteColumn: 'gone' });
  const changeFiles = (await listFiles(root)).filter((file) => file.startsWith('_change_data/'));
  assert.ok(changeFiles.length > 0);
  const kept = await vacuum(lake.effects, root, { dryRun: true });
  assert.ok(!kept.files.some((file) => file.includes('_change_data')), 'young change files stay');
  const old = new Date(Date.now() - 8 * 24 * 3_600_000);
  for (const file of changeFiles) await utimes(path.join(lake.dir, root, file), old, old);
  const result = await vacuum(lake.effects, root);
  assert.deepEqual(
    result.files.filter((file) => file.includes('_change_data')).sort(),
    changeFiles.map((file) => `${root}/${file}`).sort(),
  );
  assert.ok((await listFiles(root)).every((file) => !file.startsWith('_change_data/')));
  assert.ok(
    (await listFiles(root)).some((file) => file.startsWith('_delta_log/')),
    'the log is kept',
  );
});
