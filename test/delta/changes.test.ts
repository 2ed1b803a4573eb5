// Change Data Feed reads over tables our writer made (deletion-vector merges, copy-on-write merges, optimize) and a
// hand-made table with change data files, plus the range errors.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { runDeltaCli } from '../../pipelines/cli/delta';
import type { ReadEffects } from '../../pipelines/delta/checkpoint';
import { openChangeFeed, streamChangeRows, type ChangeRange } from '../../pipelines/delta/changes';
import { isDeltaError } from '../../pipelines/delta/errors';
import { formatVersion } from '../../pipelines/delta/log-files';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';
import { append } from '../../pipelines/delta/write/write-table';
import { openTestLake, type TestLake } from '../delta-write/helpers';
import { field, metaData, writeCommit, writeDataFile } from './hand-made-table';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

/** Change rows as compact text, sorted: "v<version> <type> <id>:<name>". */
async function changes(effects: ReadEffects, root: string, range: ChangeRange): Promise<string[]> {
  const feed = await openChangeFeed(effects, root, range, { commitsPerBatch: 2 });
  const rows: string[] = [];
  for await (const row of streamChangeRows(effects, feed)) {
    assert.ok(typeof row._commit_timestamp === 'string', 'commit timestamp present');
    rows.push(
      `v${String(row._commit_version)} ${String(row._change_type)} ${String(row.id)}:${String(row.name)}`,
    );
  }
  return rows.sort();
}

const upsert = (rows: string): string => `SELECT * FROM (VALUES ${rows}) AS s(id, name, gone)`;

test('deletion-vector merges: only the rows newly marked deleted are deletes, new rows inserts', async () => {
  const root = 'dv';
  await createTable(lake.effects, root, {
    data: `SELECT range::BIGINT AS id, 'a' || range AS name FROM range(0, 10)`,
    properties: { 'delta.enableDeletionVectors': 'true' },
  });
  await merge(lake.effects, root, upsert(`(2::BIGINT, 'b2', false), (4, NULL, true), (20, 'n20', false)`), {
    keys: ['id'],
    deleteColumn: 'gone',
  });
  // The same file gets a second deletion vector: rows 2 and 4, already deleted, must not show again.
  await merge(lake.effects, root, upsert(`(6::BIGINT, 'b6', false), (20, 'm20', false)`), {
    keys: ['id'],
    deleteColumn: 'gone',
  });
  const feed = await openChangeFeed(lake.effects, root, { from: 1 });
  assert.equal(feed.changeDataFeedEnabled, false);
  assert.deepEqual([feed.from, feed.to, feed.latest], [1, 2, 2]);
  assert.deepEqual(feed.columns, ['id', 'name', '_change_type', '_commit_version', '_commit_timestamp']);
  assert.deepEqual(await changes(lake.effects, root, { from: 1 }), [
    'v1 delete 2:a2',
    'v1 delete 4:a4',
    'v1 insert 20:n20',
    'v1 insert 2:b2',
    'v2 delete 20:n20',
    'v2 delete 6:a6',
    'v2 insert 20:m20',
    'v2 insert 6:b6',
  ]);
  assert.deepEqual(
    await changes(lake.effects, root, { from: 0, to: 0 }),
    [...Array.from({ length: 10 }, (_, id) => `v0 insert ${id}:a${id}`)].sort(),
  );
});

test('copy-on-write merge: rows carried over unchanged into the rewritten file are not changes', async () => {
  const root = 'cow';
  await createTable(lake.effects, root, {
    data: `SELECT range::BIGINT AS id, 'a' || range AS name FROM range(0, 5)`,
  });
  await merge(lake.effects, root, upsert(`(1::BIGINT, 'b1', false), (3, NULL, true)`), {
    keys: ['id'],
    deleteColumn: 'gone',
  });
  assert.deepEqual(await changes(lake.effects, root, { from: 1, to: 1 }), [
    'v1 delete 1:a1',
    'v1 delete 3:a3',
    'v1 insert 1:b1',
  ]);
});

test('commits whose actions all have dataChange=false (optimize) yield no changes', async () => {
  const root = 'opt';
  await createTable(lake.effects, root, { data: `SELECT 1::BIGINT AS id, 'x' AS name` });
  await append(lake.effects, root, `SELECT 2::BIGINT AS id, 'y' AS name`);
  const optimized = await optimize(lake.effects, root, {});
  assert.equal(optimized.version, 2);
  const feed = await openChangeFeed(lake.effects, root, { from: 2, to: 2 });
  const batches = [];
  for await (const batch of feed.batches()) {
    batches.push(batch);
    await batch.release();
  }
  assert.deepEqual(
    batches.map((batch) => [batch.versions, batch.sql]),
    [[[2], null]],
  );
  assert.deepEqual(await changes(lake.effects, root, { from: 1 }), ['v1 insert 2:y']);
});

test('a commit with change data files is read from them only, update images included', async () => {
  const root = 'cdf';
  const fields = [field('id', 'long'), field('name', 'string')];
  const first = await writeDataFile(
    lake,
    root,
    'part-0.parquet',
    `SELECT * FROM (VALUES (1::BIGINT, 'a'), (2, 'b')) AS t(id, name)`,
  );
  await writeCommit(lake, root, 0, [
    { protocol: { minReaderVersion: 1, minWriterVersion: 4 } },
    metaData(fields, [], { 'delta.enableChangeDataFeed': 'true' }),
    first,
  ]);
  const rewritten = await writeDataFile(
    lake,
    root,
    'part-1.parquet',
    `SELECT * FROM (VALUES (1::BIGINT, 'A')) AS t(id, name)`,
  );
  const cdc = await writeDataFile(
    lake,
    root,
    '_change_data/cdc-1.parquet',
    `SELECT * FROM (VALUES (1::BIGINT, 'a', 'update_preimage'), (1, 'A', 'update_postimage'), (2, 'b', 'delete')) AS t(id, name, _change_type)`,
  );
  const cdcAdd = (cdc as { add: Record<string, unknown> }).add;
  await writeCommit(lake, root, 1, [
    { commitInfo: { timestamp: 1_700_000_000_000, operation: 'MERGE' } },
    { remove: { path: 'part-0.parquet', deletionTimestamp: 1, dataChange: true } },
    rewritten,
    { cdc: { path: cdcAdd.path, partitionValues: {}, size: cdcAdd.size, dataChange: false } },
  ]);
  const feed = await openChangeFeed(lake.effects, root, { from: 0 });
  assert.equal(feed.changeDataFeedEnabled, true);
  const sources: Record<number, string> = {};
  for await (const batch of feed.batches()) {
    Object.assign(sources, batch.sources);
    await batch.release();
  }
  assert.deepEqual(sources, { 0: 'derived', 1: 'cdc' });
  assert.deepEqual(await changes(lake.effects, root, { from: 0 }), [
    'v0 insert 1:a',
    'v0 insert 2:b',
    'v1 delete 2:b',
    'v1 update_postimage 1:A',
    'v1 update_preimage 1:a',
  ]);
});

test('invalid ranges fail with codes before reading anything', async () => {
  const root = 'ranges';
  await createTable(lake.effects, root, { data: `SELECT 1::BIGINT AS id, 'x' AS name` });
  await append(lake.effects, root, `SELECT 2::BIGINT AS id, 'y' AS name`);
  await append(lake.effects, root, `SELECT 3::BIGINT AS id, 'z' AS name`);
  const refused = async (range: ChangeRange, code: 'INVALID_ARGUMENT' | 'VERSION_NOT_FOUND', text: RegExp) =>
    assert.rejects(openChangeFeed(lake.effects, root, range), (error: unknown) => {
      assert.ok(isDeltaError(error, code), String(error));
      assert.match((error as Error).message, text);
      return true;
    });
  await refused({ from: 2, to: 1 }, 'INVALID_ARGUMENT', /start version 2 is after the end version 1/);
  await refused({ from: -1 }, 'INVALID_ARGUMENT', /whole number/);
  await refused({ from: 1, to: 5 }, 'VERSION_NOT_FOUND', /beyond the latest version 2/);
  await refused({ from: 3 }, 'VERSION_NOT_FOUND', /beyond the latest version 2/);
  // Commits before a checkpoint cleaned up: their changes are gone.
  await writeCheckpoint(lake.effects, root);
  await rm(path.join(lake.dir, root, '_delta_log', `${formatVersion(0)}.json`));
  await refused({ from: 0 }, 'VERSION_NOT_FOUND', /keeps commits from version 1 on/);
  assert.deepEqual(await changes(lake.effects, root, { from: 1 }), ['v1 insert 2:y', 'v2 insert 3:z']);
});

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, callback) {
        out[key] += String(chunk);
        callback();
      },
    });
  const code = await runDeltaCli(argv, { stdout: sink('stdout'), stderr: sink('stderr') });
  return { code, ...out };
}

test('delta changes streams JSON lines or CSV and says where the changes came from', async () => {
  const table = path.join(lake.dir, 'dv');
  const jsonl = await runCli(['changes', table, '--from', '2']);
  assert.equal(jsonl.code, 0, jsonl.stderr);
  const rows = jsonl.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(rows.map((row) => `${String(row._change_type)} ${String(row.id)}`).sort(), [
    'delete 20',
    'delete 6',
    'insert 20',
    'insert 6',
  ]);
  assert.match(jsonl.stderr, /versions 2\.\.2 \(latest 2\): 0 read from change data files, 1 derived/);
  assert.match(jsonl.stderr, /enableChangeDataFeed is off/);
  const csv = await runCli(['changes', table, '--from', '0', '--to', '1', '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines[0], 'id,name,_change_type,_commit_version,_commit_timestamp');
  assert.equal(lines.length, 1 + 10 + 4);
  const bad = await runCli(['changes', table, '--from', '2', '--to', '1']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /INVALID_ARGUMENT/);
  assert.equal(bad.stdout, '');
  const missing = await runCli(['changes', table]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /needs --from/);
});
