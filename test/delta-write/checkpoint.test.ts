// Checkpoints we write: read back by our reader equal to a JSON replay, the protocol's Parquet schema, automatic
// checkpoints every delta.checkpointInterval commits, and expired log cleanup that keeps the table readable.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { listLogFiles } from '../../pipelines/delta/log-files';
import { readCommit } from '../../pipelines/delta/read-commit';
import { replayActions } from '../../pipelines/delta/replay';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { toSqlString } from '../../pipelines/engine/duckdb-session';
import { createTable } from '../../pipelines/delta/write/create-table';
import { cleanupExpiredLogs } from '../../pipelines/delta/write/log-cleanup';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { merge } from '../../pipelines/delta/write/merge';
import { openTestLake, readRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

/** Replays every JSON commit from 0, ignoring checkpoints. */
async function replayJson(root: string) {
  const files = (await listLogFiles(lake.storage, root))
    .filter((f) => f.kind === 'commit')
    .sort((a, b) => a.version - b.version);
  const commits = await Promise.all(
    files.map(async (entry) => ({
      version: entry.version,
      actions: await readCommit(lake.effects, entry.file, entry.version),
    })),
  );
  return replayActions([], commits, commits.length - 1);
}

const fileSummary = (
  files: { path: string; size: number; partitionValues: unknown; stats?: string | null }[],
) => files.map((f) => JSON.stringify([f.path, f.size, f.partitionValues, f.stats])).sort();

test('a written checkpoint reads back equal to the JSON replay, with the protocol schema', async () => {
  const root = 'tables/checkpointed';
  await createTable(lake.effects, root, {
    partitionColumns: ['p'],
    properties: { 'delta.checkpointInterval': '1000' },
    data: `SELECT range AS id, CAST(range % 2 AS VARCHAR) AS p, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(range) AS ts FROM range(6)`,
  });
  await append(lake.effects, root, `SELECT 10 AS id, NULL::VARCHAR AS p, NULL::TIMESTAMPTZ AS ts`, {
    txn: { appId: 'app', version: 1 },
  });
  await merge(lake.effects, root, `SELECT 1 AS id, '1' AS p, NULL::TIMESTAMPTZ AS ts`, { keys: ['id'] });
  const info = await writeCheckpoint(lake.effects, root);
  assert.equal(info.version, 2);
  const last = JSON.parse(
    new TextDecoder().decode(await lake.storage.read(`${root}/_delta_log/_last_checkpoint`)),
  );
  assert.deepEqual(Object.keys(last), ['version', 'size', 'sizeInBytes', 'numOfAddFiles']);
  assert.equal(last.version, 2);
  assert.equal(last.numOfAddFiles, info.numOfAddFiles);

  const fromCheckpoint = await loadSnapshot(lake.effects, root);
  const json = await replayJson(root);
  assert.deepEqual(fileSummary(fromCheckpoint.files), fileSummary(json.files));
  assert.deepEqual(fromCheckpoint.metadata, json.metadata);
  assert.deepEqual(fromCheckpoint.protocol, json.protocol);
  assert.deepEqual(
    [...fromCheckpoint.txns.values()].map((t) => [t.appId, t.version]),
    [['app', 1]],
  );
  assert.deepEqual(
    fromCheckpoint.tombstones.map((t) => t.path).sort(),
    json.tombstones.map((t) => t.path).sort(),
  );
  // Without commits after it, the snapshot comes from the checkpoint alone: same rows.
  await lake.storage.delete(`${root}/_delta_log/00000000000000000000.json`);
  await lake.storage.delete(`${root}/_delta_log/00000000000000000001.json`);
  assert.equal((await readRows(lake.effects, root)).length, 7);

  const local = path.join(lake.dir, root, '_delta_log', '00000000000000000002.checkpoint.parquet');
  const described = await lake.duckdb.queryJson(`DESCRIBE SELECT * FROM read_parquet(${toSqlString(local)})`);
  // DuckDB quotes field names that are SQL keywords; compare without quotes.
  const types = Object.fromEntries(
    described.map((row) => [row.column_name, String(row.column_type).replace(/"/g, '')]),
  );
  assert.deepEqual(Object.keys(types), ['txn', 'add', 'remove', 'metaData', 'protocol']);
  assert.equal(types.txn, 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)');
  assert.match(
    String(types.add),
    /^STRUCT\(path VARCHAR, partitionValues MAP\(VARCHAR, VARCHAR\), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags MAP\(VARCHAR, VARCHAR\), deletionVector STRUCT\(storageType VARCHAR, pathOrInlineDv VARCHAR, offset INTEGER, sizeInBytes INTEGER, cardinality BIGINT\), baseRowId BIGINT, defaultRowCommitVersion BIGINT/,
  );
  assert.match(
    String(types.remove),
    /^STRUCT\(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP\(VARCHAR, VARCHAR\), size BIGINT/,
  );
  assert.equal(
    types.metaData,
    'STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
  );
  assert.equal(
    types.protocol,
    'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
  );
  const perRow = await lake.duckdb.queryJson(
    `SELECT (txn IS NOT NULL)::INT + (add IS NOT NULL)::INT + (remove IS NOT NULL)::INT + (metaData IS NOT NULL)::INT + (protocol IS NOT NULL)::INT AS n, add.stats AS stats FROM read_parquet(${toSqlString(local)})`,
  );
  assert.ok(
    perRow.every((row) => row.n === 1),
    'exactly one action per row',
  );
  assert.ok(
    perRow.some((row) => typeof row.stats === 'string' && String(row.stats).startsWith('{"numRecords":')),
  );
});

test('checkpoints are written every delta.checkpointInterval commits; expired logs are cleaned up', async () => {
  const root = 'tables/auto-checkpoint';
  await createTable(lake.effects, root, {
    data: 'SELECT 0 AS id',
    properties: { 'delta.checkpointInterval': '3' },
  });
  const results = [];
  for (let i = 1; i <= 7; i += 1) results.push(await append(lake.effects, root, `SELECT ${i} AS id`));
  assert.deepEqual(
    results.map((r) => r.checkpointVersion),
    [undefined, undefined, 3, undefined, undefined, 6, undefined],
  );
  const names = (await lake.storage.list(`${root}/_delta_log`)).map((f) => f.name);
  assert.ok(names.includes('00000000000000000003.checkpoint.parquet'));
  assert.ok(names.includes('00000000000000000006.checkpoint.parquet'));
  // 40 days later everything before the newest checkpoint at or below the cutoff goes; the table stays readable.
  const later = { ...lake.effects, clock: () => Date.now() + 40 * 24 * 3_600_000 };
  const deleted = await cleanupExpiredLogs(later, root, {});
  assert.equal(deleted.length, 7, 'commits 0-5 and checkpoint 3');
  const left = (await lake.storage.list(`${root}/_delta_log`))
    .map((f) => f.name)
    .filter((n) => n !== '_last_checkpoint');
  assert.deepEqual(left, [
    '00000000000000000006.checkpoint.parquet',
    '00000000000000000006.json',
    '00000000000000000007.json',
  ]);
  assert.equal((await readRows(lake.effects, root)).length, 8);
  assert.equal((await readRows(lake.effects, root, { version: 6 })).length, 7);
  await overwrite(lake.effects, root, 'SELECT 42 AS id');
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 42 }]);
});
