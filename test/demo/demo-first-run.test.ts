// The demo queues its first run only while the lake lacks one of the pipeline's tables: which tables count as
// missing (no Delta log, or an empty one) and which as present, on a real temp lake.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable } from '../../pipelines/delta/write/index';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { missingTables } from '../../server/cli/demo-first-run';
import { loadEnv } from '../../server/config/env';

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
