// Real concurrency on one table: appends from several sessions in one process and from several OS processes all
// land at distinct versions without losing rows; conflicting writers fail with named errors; idempotent writers
// racing with the same txn apply once. A barrier in the beforeCommit hook makes two writers read the same version
// before either commits, so the race is certain, not a matter of timing.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { isDeltaError } from '../../pipelines/delta/errors';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import type { WriteEffects } from '../../pipelines/delta/write/effects';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { openTestLake, readRows, type TestLake } from './helpers';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./concurrent-append-child.ts', import.meta.url));

let lake: TestLake;
const sessions: DuckDbSession[] = [];
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  for (const session of sessions) session.close();
  await lake.close();
});

async function openWriter(hooks?: WriteEffects['hooks']): Promise<WriteEffects> {
  const duckdb = await createDuckDbSession({ threads: 1 });
  sessions.push(duckdb);
  return { storage: lake.storage, duckdb, ...(hooks ? { hooks } : {}) };
}

/** A two-party barrier: both callers wait until both arrived (only on the first commit attempt). */
function makeBarrier(): (attempt: number) => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async (attempt) => {
    if (attempt > 0) return;
    arrived += 1;
    if (arrived === 2) release();
    await all;
  };
}

test('8 concurrent appends from separate sessions: distinct versions, no lost rows', async () => {
  const root = 'tables/concurrent';
  await createTable(lake.effects, root, { data: `SELECT 'init' AS writer, 0 AS seq` });
  const writers = await Promise.all(Array.from({ length: 8 }, () => openWriter()));
  const results = await Promise.all(
    writers.map((effects, i) => append(effects, root, `SELECT 'w${i}' AS writer, ${i} AS seq`)),
  );
  const versions = results.map((r) => r.version).sort((a, b) => a - b);
  assert.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal((await readRows(lake.effects, root)).length, 9);
});

test('4 OS processes appending 5 times each: 20 distinct versions, all rows', async () => {
  const root = 'tables/multi-process';
  await createTable(lake.effects, root, {
    data: `SELECT 'init' AS writer, 0 AS seq`,
    properties: { 'delta.checkpointInterval': '5' },
  });
  const outputs = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      run(process.execPath, [...process.execArgv, CHILD, lake.dir, root, `p${i}`, '5'], { timeout: 120_000 }),
    ),
  );
  const versions = outputs.flatMap(
    ({ stdout }) => (JSON.parse(stdout.trim()) as { versions: number[] }).versions,
  );
  assert.deepEqual(
    versions.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  const rows = await readRows(lake.effects, root);
  assert.equal(rows.length, 21);
  assert.equal((await loadSnapshot(lake.effects, root)).version, 20);
  const names = (await lake.storage.list(`${root}/_delta_log`)).map((f) => f.name);
  assert.ok(names.includes('00000000000000000020.checkpoint.parquet'));
});

test('merge racing a delete of the same file: one fails with CONCURRENT_DELETE', async () => {
  const root = 'tables/merge-vs-delete';
  await createTable(lake.effects, root, { data: `SELECT range AS id, 'v' AS v FROM range(10)` });
  const barrier = makeBarrier();
  const a = await openWriter({ beforeCommit: barrier });
  const b = await openWriter({ beforeCommit: barrier });
  const outcomes = await Promise.allSettled([
    merge(a, root, `SELECT 3 AS id, 'changed' AS v`, { keys: ['id'] }),
    merge(b, root, `SELECT 4 AS id, NULL::VARCHAR AS v, true AS gone`, {
      keys: ['id'],
      deleteColumn: 'gone',
    }),
  ]);
  const failed = outcomes.filter((o) => o.status === 'rejected');
  assert.equal(failed.length, 1);
  assert.ok(isDeltaError((failed[0] as PromiseRejectedResult).reason, 'CONCURRENT_DELETE'));
  assert.equal((await loadSnapshot(lake.effects, root)).version, 1);
  assert.equal((await readRows(lake.effects, root)).length, outcomes[0]?.status === 'fulfilled' ? 10 : 9);
});

test('a blind append racing a merge: both commit', async () => {
  const root = 'tables/append-vs-merge';
  await createTable(lake.effects, root, { data: `SELECT range AS id FROM range(5)` });
  const barrier = makeBarrier();
  const a = await openWriter({ beforeCommit: barrier });
  const b = await openWriter({ beforeCommit: barrier });
  const [appended, merged] = await Promise.all([
    append(a, root, 'SELECT 100 AS id'),
    merge(b, root, 'SELECT 2 AS id', { keys: ['id'] }),
  ]);
  assert.deepEqual([appended.version, merged.version].sort(), [1, 2]);
  assert.equal((await readRows(lake.effects, root)).length, 6);
});

test('a concurrent schema change makes the other writer fail with METADATA_CHANGED', async () => {
  const root = 'tables/metadata-race';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id' });
  const evolve = await openWriter();
  const plain = await openWriter({
    beforeCommit: async (attempt) => {
      if (attempt === 0) await append(evolve, root, `SELECT 2 AS id, 'x' AS extra`, { mergeSchema: true });
    },
  });
  await assert.rejects(append(plain, root, 'SELECT 3 AS id'), (error: unknown) =>
    isDeltaError(error, 'METADATA_CHANGED'),
  );
  const overwriter = await openWriter({
    beforeCommit: async (attempt) => {
      if (attempt === 0) await append(evolve, root, `SELECT 4 AS id, 'y' AS extra`);
    },
  });
  // A full overwrite read the whole table; a concurrent blind append does not conflict at WriteSerializable.
  const replaced = await overwrite(overwriter, root, `SELECT 5 AS id, 'z' AS extra`);
  assert.equal(replaced.version, 3);
});

test('two writers racing with the same txn appId/version: applied once', async () => {
  const root = 'tables/txn-race';
  await createTable(lake.effects, root, { data: 'SELECT 0 AS id' });
  const barrier = makeBarrier();
  const a = await openWriter({ beforeCommit: barrier });
  const b = await openWriter({ beforeCommit: barrier });
  const txn = { appId: 'hourly-load', version: 42 };
  const results = await Promise.all([
    append(a, root, 'SELECT 1 AS id', { txn }),
    append(b, root, 'SELECT 1 AS id', { txn }),
  ]);
  assert.deepEqual(results.map((r) => r.alreadyApplied).sort(), [false, true]);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 0 }, { id: 1 }]);
});

test('concurrent merges: disjoint key ranges both commit, overlapping ones fail with CONCURRENT_APPEND', async () => {
  const root = 'tables/merge-vs-merge';
  await createTable(lake.effects, root, { data: `SELECT range AS id, 'a' AS v FROM range(0, 100)` });
  await append(lake.effects, root, `SELECT range AS id, 'b' AS v FROM range(100, 200)`);
  let barrier = makeBarrier();
  let a = await openWriter({ beforeCommit: (attempt) => barrier(attempt) });
  let b = await openWriter({ beforeCommit: (attempt) => barrier(attempt) });
  const disjoint = await Promise.all([
    merge(a, root, `SELECT 5 AS id, 'x' AS v`, { keys: ['id'] }),
    merge(b, root, `SELECT 150 AS id, 'y' AS v`, { keys: ['id'] }),
  ]);
  assert.deepEqual(disjoint.map((r) => r.version).sort(), [2, 3]);
  barrier = makeBarrier();
  a = await openWriter({ beforeCommit: (attempt) => barrier(attempt) });
  b = await openWriter({ beforeCommit: (attempt) => barrier(attempt) });
  // Both insert new keys next to each other (no file read), so only the key-range check can see the clash.
  const outcomes = await Promise.allSettled([
    merge(a, root, `SELECT 500 AS id, 'p' AS v`, { keys: ['id'] }),
    merge(b, root, `SELECT * FROM (VALUES (400, 'q'), (600, 'q')) s(id, v)`, { keys: ['id'] }),
  ]);
  const failed = outcomes.filter((o) => o.status === 'rejected');
  assert.equal(failed.length, 1);
  assert.ok(isDeltaError((failed[0] as PromiseRejectedResult).reason, 'CONCURRENT_APPEND'));
  const rows = await readRows(lake.effects, root);
  assert.equal(rows.filter((row) => row.v === 'x' || row.v === 'y').length, 2);
});
