// The `_last_checkpoint` hint (PROTOCOL-NOTES §4): a latest (or version ≥ hint) snapshot lists `_delta_log` only from
// the hinted checkpoint on, and falls back to the whole listing whenever the hint is missing, empty, corrupt, ahead
// of the log, points at a checkpoint that is gone or unreadable. Each case checks the snapshot and which listings
// were made. The tables are written by hand (commits) plus the writer's checkpoints at versions 10 and 20.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { LakeStorage, ListOptions } from '../../pipelines/lake/storage';
import type { Action } from '../../pipelines/delta/actions';
import { isDeltaError } from '../../pipelines/delta/errors';
import {
  formatVersion,
  listLogForVersion,
  parseLastCheckpoint,
  readLastCheckpoint,
} from '../../pipelines/delta/log-files';
import { loadSnapshot, type Snapshot } from '../../pipelines/delta/snapshot';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';

const LATEST = 25;
const T0 = Date.UTC(2026, 0, 1);
const LAST_CHECKPOINT = 't/_delta_log/_last_checkpoint';
const checkpointPath = (v: number): string => `t/_delta_log/${formatVersion(v)}.checkpoint.parquet`;

/** Records list and read calls on the way to a real storage. */
class RecordingStorage {
  readonly lists: Array<string | undefined> = [];
  readonly reads: string[] = [];
  constructor(private readonly inner: LakeStorage) {}
  view(options: { ignoreListOptions?: boolean } = {}): LakeStorage {
    return new Proxy(this.inner, {
      get: (target, property, receiver) => {
        if (property === 'list') {
          return (dir: string, listOptions?: ListOptions) => {
            this.lists.push(listOptions?.startAfter);
            return target.list(dir, options.ignoreListOptions ? undefined : listOptions);
          };
        }
        if (property === 'read') {
          return (p: string) => {
            this.reads.push(path.posix.basename(p));
            return target.read(p);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
  reset(): void {
    this.lists.length = 0;
    this.reads.length = 0;
  }
  /** Versions of the commit files read, ascending. */
  commitsRead(): number[] {
    return this.reads
      .filter((name) => /^\d{20}\.json$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b);
  }
}

function commitActions(version: number): Action[] {
  const actions: Action[] = [
    { commitInfo: { timestamp: T0 + version * 60_000, operation: 'WRITE', operationParameters: {} } },
  ];
  if (version === 0) {
    actions.push(
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: 'hint-test',
          format: { provider: 'parquet', options: {} },
          schemaString: JSON.stringify({
            type: 'struct',
            fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }],
          }),
          partitionColumns: [],
          configuration: {},
          createdTime: T0,
        },
      },
    );
  }
  actions.push({
    add: {
      path: `f${version}.parquet`,
      partitionValues: {},
      size: 100 + version,
      modificationTime: T0,
      dataChange: true,
    },
  });
  return actions;
}

let duckdb: DuckDbSession;
let dir: string;
let local: LocalLakeStorage;
let recording: RecordingStorage;

/** Writes commits 0..LATEST and checkpoints at 10 and 20 (which leaves `_last_checkpoint` at 20). */
async function buildTable(): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (let v = 0; v <= LATEST; v += 1) {
    const text = commitActions(v)
      .map((action) => JSON.stringify(action))
      .join('\n');
    assert.equal(await local.putIfAbsent(`t/_delta_log/${formatVersion(v)}.json`, `${text}\n`), true);
    if (v === 10 || v === 20) await writeCheckpoint({ storage: local, duckdb }, 't', { version: v });
  }
}

function assertLatest(snapshot: Snapshot): void {
  assert.equal(snapshot.version, LATEST);
  assert.deepEqual(
    snapshot.files.map((file) => file.path).sort(),
    Array.from({ length: LATEST + 1 }, (_, v) => `f${v}.parquet`).sort(),
  );
  assert.equal(snapshot.commitInfo?.timestamp, T0 + LATEST * 60_000);
}

const FROM_20 = formatVersion(20);

before(async () => {
  duckdb = await createDuckDbSession();
  dir = await mkdtemp(path.join(tmpdir(), 'delta-last-checkpoint-'));
  local = new LocalLakeStorage(dir);
});
after(async () => {
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
});

describe('snapshot load with the _last_checkpoint hint', () => {
  beforeEach(async () => {
    await buildTable();
    recording = new RecordingStorage(local);
  });

  test('the writer left a hint at 20: the log is listed from 20 only', async () => {
    assert.deepEqual(await readLastCheckpoint(local, 't'), { version: 20 });
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
    assertLatest(snapshot);
    assert.deepEqual(recording.lists, [FROM_20], 'one listing, from the hinted version');
    assert.deepEqual(recording.commitsRead(), [21, 22, 23, 24, 25]);
    const listed = await listLogForVersion(local, 't');
    assert.equal(listed.complete, false);
    assert.ok(listed.files.every((entry) => entry.version >= 20));
  });

  test('a version at or above the hint uses the hint too; one below it lists the whole log', async () => {
    const at22 = await loadSnapshot({ storage: recording.view(), duckdb }, 't', { version: 22 });
    assert.equal(at22.version, 22);
    assert.equal(at22.files.length, 23);
    assert.deepEqual(recording.lists, [FROM_20]);
    recording.reset();
    const at15 = await loadSnapshot({ storage: recording.view(), duckdb }, 't', { version: 15 });
    assert.equal(at15.version, 15);
    assert.equal(at15.files.length, 16);
    assert.deepEqual(recording.lists, [undefined], 'the whole log, to find checkpoint 10');
    assert.deepEqual(recording.commitsRead(), [11, 12, 13, 14, 15]);
    recording.reset();
    const at3 = await loadSnapshot({ storage: recording.view(), duckdb }, 't', { version: 3 });
    assert.deepEqual(
      at3.files.map((file) => file.path),
      ['f0.parquet', 'f1.parquet', 'f2.parquet', 'f3.parquet'],
    );
    await assert.rejects(loadSnapshot({ storage: recording.view(), duckdb }, 't', { version: 26 }), (error) =>
      isDeltaError(error, 'VERSION_NOT_FOUND'),
    );
  });

  test('time travel by timestamp resolves against every commit', async () => {
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't', {
      timestamp: T0 + 7 * 60_000 + 30_000,
      timestampSource: 'commitInfo',
    });
    assert.equal(snapshot.version, 7);
    assert.equal(snapshot.files.length, 8);
    const latest = await loadSnapshot({ storage: recording.view(), duckdb }, 't', {
      timestamp: T0 + 99 * 60_000,
      timestampSource: 'commitInfo',
    });
    assertLatest(latest);
  });

  const fallbacks: Array<[string, () => Promise<unknown>]> = [
    ['missing', () => local.delete(LAST_CHECKPOINT)],
    ['empty', () => local.write(LAST_CHECKPOINT, '')],
    ['truncated JSON', () => local.write(LAST_CHECKPOINT, '{"version": 20, "size"')],
    ['not an object', () => local.write(LAST_CHECKPOINT, '[20]')],
    ['a version that is not a count', () => local.write(LAST_CHECKPOINT, '{"version":"20","size":3}')],
    ['a negative version', () => local.write(LAST_CHECKPOINT, '{"version":-1}')],
    ['ahead of the log', () => local.write(LAST_CHECKPOINT, '{"version":99,"size":3}')],
    [
      'a directory',
      () => local.delete(LAST_CHECKPOINT).then(() => local.write(`${LAST_CHECKPOINT}/x`, '{}')),
    ],
  ];
  for (const [name, spoil] of fallbacks) {
    test(`a hint that is ${name}: the whole log is listed and the snapshot is right`, async () => {
      await spoil();
      const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
      assertLatest(snapshot);
      assert.equal(recording.lists.at(-1), undefined, 'ends with the whole listing');
      assert.deepEqual(recording.commitsRead(), [21, 22, 23, 24, 25], 'still from checkpoint 20');
    });
  }

  test('a hint pointing at a deleted checkpoint: the whole log, and the older checkpoint', async () => {
    assert.equal(await local.delete(checkpointPath(20)), true);
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
    assertLatest(snapshot);
    assert.deepEqual(recording.lists, [FROM_20, undefined]);
    assert.deepEqual(recording.commitsRead(), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  test('a hint pointing at a half-written multi-part checkpoint: the whole log', async () => {
    await local.write(LAST_CHECKPOINT, '{"version":22,"size":30,"parts":2}');
    await local.write(
      `t/_delta_log/${formatVersion(22)}.checkpoint.0000000001.0000000002.parquet`,
      await local.read(checkpointPath(20)),
    );
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
    assertLatest(snapshot);
    assert.deepEqual(recording.lists, [formatVersion(22), undefined]);
    assert.deepEqual(recording.commitsRead(), [21, 22, 23, 24, 25]);
  });

  test('a stale hint with a newer checkpoint after it: listed from the hint, the newest checkpoint used', async () => {
    await local.write(LAST_CHECKPOINT, '{"version":10,"size":13}');
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
    assertLatest(snapshot);
    assert.deepEqual(recording.lists, [formatVersion(10)]);
    assert.deepEqual(recording.commitsRead(), [21, 22, 23, 24, 25]);
  });

  test('the hinted checkpoint is unreadable: the whole log is listed and an older checkpoint stands in', async () => {
    await local.write(checkpointPath(20), 'not parquet');
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
    assertLatest(snapshot);
    assert.deepEqual(recording.lists, [FROM_20, undefined]);
    assert.deepEqual(recording.commitsRead(), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  test('every checkpoint unreadable: replayed from commit 0', async () => {
    await local.write(checkpointPath(20), 'not parquet');
    await local.write(checkpointPath(10), 'not parquet either');
    const snapshot = await loadSnapshot({ storage: recording.view(), duckdb }, 't');
    assertLatest(snapshot);
    assert.equal(recording.commitsRead().length, LATEST + 1);
  });

  test('a commit missing after the hinted checkpoint is still reported as a gap', async () => {
    assert.equal(await local.delete(`t/_delta_log/${formatVersion(23)}.json`), true);
    await assert.rejects(loadSnapshot({ storage: recording.view(), duckdb }, 't'), (error) =>
      isDeltaError(error, 'CORRUPT_LOG'),
    );
  });

  test('a storage view that drops list options still gives the right snapshot', async () => {
    const snapshot = await loadSnapshot(
      { storage: recording.view({ ignoreListOptions: true }), duckdb },
      't',
    );
    assertLatest(snapshot);
    assert.deepEqual(recording.commitsRead(), [21, 22, 23, 24, 25]);
  });
});

test('parseLastCheckpoint keeps a valid version (and parts), and refuses anything doubtful', () => {
  assert.deepEqual(parseLastCheckpoint('{"version":10,"size":13}'), { version: 10 });
  assert.deepEqual(parseLastCheckpoint('{"version":1,"size":12,"parts":2,"sizeInBytes":30499}'), {
    version: 1,
    parts: 2,
  });
  assert.deepEqual(parseLastCheckpoint('{"version":0,"size":12,"parts":null}'), { version: 0 });
  for (const text of [
    '',
    ' ',
    '{"version": 9, "size"',
    'null',
    '7',
    '[{"version":1}]',
    '{}',
    '{"version":1.5}',
    '{"version":"3"}',
    '{"version":-2}',
    '{"version":1e300}',
    '{"version":3,"size":-1}',
    '{"version":3,"parts":0}',
  ]) {
    assert.equal(parseLastCheckpoint(text), null, JSON.stringify(text));
  }
});
