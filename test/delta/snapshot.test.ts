// Snapshot loading against copies of conformance tables (skipped when ../shared/delta-conformance is absent).

import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { LakeStorage } from '../../pipelines/lake/storage';
import { isDeltaError } from '../../pipelines/delta/errors';
import { readHistory } from '../../pipelines/delta/history';
import { readSnapshotRows } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { runDeltaCli } from '../../pipelines/cli/delta';
import { Writable } from 'node:stream';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const conformanceDir = path.resolve(repoRoot, '..', 'shared', 'delta-conformance');
const skip = existsSync(conformanceDir) ? false : `conformance tables not found at ${conformanceDir}`;

let duckdb: DuckDbSession;
let workDir: string;
before(async () => {
  duckdb = await createDuckDbSession();
  workDir = await mkdtemp(path.join(tmpdir(), 'delta-snapshot-test-'));
});
after(async () => {
  duckdb.close();
  await rm(workDir, { recursive: true, force: true });
});

async function copyTable(relative: string): Promise<LocalLakeStorage> {
  const target = path.join(workDir, relative.replace(/\//g, '_'));
  await cp(path.join(conformanceDir, relative), target, { recursive: true });
  return new LocalLakeStorage(target);
}

test(
  'an unreadable checkpoint and a corrupt _last_checkpoint fall back to the commits',
  { skip },
  async () => {
    const storage = await copyTable('dat/with_checkpoint/delta');
    await storage.write('_delta_log/00000000000000000002.checkpoint.parquet', 'not parquet');
    await storage.write('_delta_log/_last_checkpoint', '{"version": 9, "size"');
    const snapshot = await loadSnapshot({ storage, duckdb }, '');
    assert.equal(snapshot.version, 3);
    const rows = await readSnapshotRows({ storage, duckdb }, snapshot);
    assert.equal(rows.length, 5);
  },
);

test('time travel by version and by commitInfo timestamp; history newest first', { skip }, async () => {
  const storage = new LocalLakeStorage(conformanceDir);
  const root = 'dat/basic_append/delta';
  const v0 = await loadSnapshot({ storage, duckdb }, root, { version: 0 });
  assert.equal(v0.version, 0);
  const history = await readHistory({ storage, duckdb }, root, { timestampSource: 'commitInfo' });
  assert.deepEqual(
    history.map((entry) => entry.version),
    [1, 0],
  );
  const first = history[1];
  assert.ok(first);
  const atFirst = await loadSnapshot({ storage, duckdb }, root, {
    timestamp: first.timestamp,
    timestampSource: 'commitInfo',
  });
  assert.equal(atFirst.version, 0);
  await assert.rejects(
    loadSnapshot({ storage, duckdb }, root, {
      timestamp: first.timestamp - 1,
      timestampSource: 'commitInfo',
    }),
    (error: unknown) => isDeltaError(error, 'TIMESTAMP_NOT_FOUND'),
  );
  await assert.rejects(loadSnapshot({ storage, duckdb }, root, { version: 7 }), (error: unknown) =>
    isDeltaError(error, 'VERSION_NOT_FOUND'),
  );
});

/** The local lake seen as a remote backend: same files, but no file:// root, so DuckDB gets temp copies. */
function asRemote(storage: LakeStorage): LakeStorage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'rootUrl') return 'webhdfs://test-namenode:9870/lake';
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

test(
  'remote backends: checkpoints, sidecars, data files and DV files are read through temp copies',
  { skip },
  async () => {
    const storage = asRemote(new LocalLakeStorage(conformanceDir));
    const counts: Record<string, number> = {};
    for (const root of [
      'golden/v2-checkpoint-parquet/delta',
      'golden/dv-with-columnmapping/delta',
      'golden/multi-part-checkpoint/delta',
    ]) {
      const snapshot = await loadSnapshot({ storage, duckdb }, root);
      counts[root] = (await readSnapshotRows({ storage, duckdb }, snapshot)).length;
    }
    assert.deepEqual(counts, {
      'golden/v2-checkpoint-parquet/delta': 10,
      'golden/dv-with-columnmapping/delta': 35,
      'golden/multi-part-checkpoint/delta': 31,
    });
  },
);

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

test('CLI: scan as jsonl and csv, files, history, errors with exit codes', { skip }, async () => {
  const table = path.join(conformanceDir, 'dat/basic_partitioned/delta');
  const run = async (...argv: string[]) => {
    const stdout = collect();
    const stderr = collect();
    const code = await runDeltaCli(argv, { stdout: stdout.stream, stderr: stderr.stream });
    return { code, out: stdout.text(), err: stderr.text() };
  };
  const jsonl = await run('scan', table, '--version', '0');
  assert.equal(jsonl.code, 0, jsonl.err);
  assert.equal(jsonl.out.trim().split('\n').length, 3);
  const csv = await run('scan', table, '--format', 'csv');
  assert.equal(csv.code, 0, csv.err);
  assert.match(csv.out.split('\n')[0] ?? '', /letter/);
  const files = await run('files', table);
  assert.equal(files.code, 0, files.err);
  assert.ok(files.out.includes('partitionValues'));
  const history = await run('history', table);
  assert.equal(history.code, 0, history.err);
  assert.equal(history.out.trim().split('\n').length, 2);
  const missing = await run('scan', path.join(conformanceDir, 'golden/no-delta-log-folder/delta'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /TABLE_NOT_FOUND/);
  const usage = await run('scan');
  assert.equal(usage.code, 2);
});
