// The demo queues its first run only while the lake lacks one of the pipeline's tables: which tables count as
// missing (no Delta log, or an empty one) and which as present, on a real temp lake. Then it watches that run; when
// the run was refused because another run of the pipeline was active, it follows that one (real PostgreSQL).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable } from '../../pipelines/delta/write/index';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { missingTables, watchFirstRun } from '../../server/cli/demo-first-run';
import { loadEnv } from '../../server/config/env';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase } from '../support/postgres';

let lake: string;
let duckdb: DuckDbSession;
before(async () => {
  lake = await mkdtemp(path.join(tmpdir(), 'demo-first-run-'));
  duckdb = await createDuckDbSession();
});
after(async () => {
  duckdb.close();
  await rm(lake, { recursive: true, force: true });
});

test('every table of the demo pipeline without a Delta log is missing; a created one is not', async () => {
  const env = loadEnv({ LAKE_ROOT: lake });
  const all = ['tables/parcels', 'tables/building_permits', 'tables/inspections', 'tables/service_requests'];
  assert.deepEqual(await missingTables(env, 'county-ops'), all);
  // An empty _delta_log (an interrupted first commit) is no table yet.
  await mkdir(path.join(lake, 'tables/inspections/_delta_log'), { recursive: true });
  await createTable({ storage: new LocalLakeStorage(lake), duckdb }, 'tables/parcels', {
    data: 'SELECT 1::BIGINT AS parcel_id',
  });
  assert.deepEqual(await missingTables(env, 'county-ops'), all.slice(1));
});

test('the watcher follows the active run its queued run was refused for, and prints how that one ends', async () => {
  const db = await createTempDatabase('demo_watch');
  const store = new PostgresControlStore(db.url);
  try {
    await store.init();
    const since = new Date();
    const base = { pipeline: 'county-ops', jobType: 'pipeline.run' } as const;
    // A schedule's catch-up run took the lock a moment before the demo's manual run, which was refused.
    const active = await store.createRun({
      ...base,
      trigger: 'schedule',
      startedAt: new Date(since.getTime() - 50),
    });
    const refused = await store.createRun({
      ...base,
      trigger: 'manual',
      startedAt: new Date(since.getTime() + 10),
    });
    await store.finishRun(refused.id, {
      status: 'cancelled',
      error: {
        message: `county-ops already has an active run (${active.id}); this manual run did not start`,
        code: 'CONFLICT',
      },
      now: new Date(),
    });
    const lines: string[] = [];
    const watching = watchFirstRun(
      loadEnv({ CONTROL_DB_URL: db.url }),
      'county-ops',
      since,
      (line) => lines.push(line),
      new AbortController().signal,
      60_000,
      50,
    );
    await store.updateProgress(active.id, { rowsExtracted: 1200, rowsSynced: 1200 }, new Date());
    await store.finishRun(active.id, { status: 'succeeded', now: new Date() });
    await watching;
    assert.deepEqual(lines, [
      `county-ops already has an active run (${active.id}); this manual run did not start; following that run instead`,
      `county-ops run ${active.id} succeeded: 1,200 rows extracted into Delta, 1,200 synced into MySQL`,
    ]);
  } finally {
    await store.close();
    await db.drop();
  }
});
