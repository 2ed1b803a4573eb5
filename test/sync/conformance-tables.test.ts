// Spark-written conformance tables (../shared/delta-conformance), replayed commit by commit: each new commit is
// synced incrementally (MERGE, UPDATE, overwrite, RESTORE, partitions with binary/date values, every primitive
// type) and MySQL must equal the snapshot after each one. Skipped when the tables or MariaDB are absent.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, verifyTable, type SyncEffects, type SyncResult } from '../../pipelines/sync/index';
import { mariaDbSkipReason, type TestDatabase } from './mysql-test-db';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const conformanceDir = path.resolve(repoRoot, '..', 'shared', 'delta-conformance');
const skip = !existsSync(conformanceDir)
  ? `conformance tables not found at ${conformanceDir}`
  : await mariaDbSkipReason();

let env: SyncTestEnv | undefined;
let duckdb: DuckDbSession;
let db: TestDatabase;
let workDir: string;
before(async () => {
  if (skip) return;
  env = await openSyncTestEnv('sync_conformance_test');
  ({ duckdb, db, lakeDir: workDir } = env);
});
after(() => env?.close());

/** Copies a table's data files, then reveals its log one version at a time, syncing after each. */
async function replayAndSync(
  relative: string,
  mysqlTable: string,
  keyColumns: string[],
): Promise<SyncResult[]> {
  const source = path.join(conformanceDir, relative);
  const target = path.join(workDir, mysqlTable);
  await cp(source, target, { recursive: true, filter: (from) => !from.includes('_delta_log') });
  await mkdir(path.join(target, '_delta_log'), { recursive: true });
  const logFiles = (await readdir(path.join(source, '_delta_log'))).sort();
  const versions = [...new Set(logFiles.map((name) => /^(\d{20})\.json$/.exec(name)?.[1]).filter(Boolean))];
  const effects: SyncEffects = { storage: new LocalLakeStorage(target), duckdb, connect: db.connect };
  const results: SyncResult[] = [];
  for (const version of versions) {
    for (const name of logFiles.filter((file) => file.startsWith(version as string))) {
      await copyFile(path.join(source, '_delta_log', name), path.join(target, '_delta_log', name));
    }
    const options = { tableRoot: '', mysqlTable, keyColumns };
    results.push(await syncTable(effects, options));
    const verified = await verifyTable(effects, options);
    assert.deepEqual(verified.differences, [], `${relative} v${Number(version)}`);
    assert.equal(verified.equal, true);
  }
  return results;
}

test('overwrite then RESTORE (re-added files), with a checkpoint', { skip }, async () => {
  const results = await replayAndSync('golden/basic-with-inserts-overwrite-restore/delta', 'restore_t', [
    'id',
  ]);
  assert.deepEqual(
    results.map((result) => result.mode),
    ['full', 'incremental', 'incremental', 'incremental'],
  );
});

test('MERGE and UPDATE rewrites are synced incrementally', { skip }, async () => {
  const merged = await replayAndSync('golden/basic-with-inserts-merge/delta', 'merge_t', ['id']);
  assert.deepEqual(
    merged.map((result) => result.mode),
    ['full', 'incremental'],
  );
  const updated = await replayAndSync('golden/basic-with-inserts-updates/delta', 'update_t', ['id']);
  assert.deepEqual(
    updated.map((result) => result.mode),
    ['full', 'incremental'],
  );
  assert.ok((updated[1]?.rowsUpserted ?? 0) < 100, 'unchanged rows of the rewritten files are not re-sent');
});

test('partitions by string, date and binary; every primitive type', { skip }, async () => {
  const partitioned = await replayAndSync('dat/multi_partitioned/delta', 'multi_part', ['number']);
  assert.equal(partitioned.length, 3);
  await replayAndSync('dat/all_primitive_types/delta', 'primitives', ['int64']);
});
