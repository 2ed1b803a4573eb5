// The delta.maintenance job on real Delta tables written by the demo pipeline: after several small commits a
// maintenance run compacts the small files, writes a checkpoint at the latest version and vacuums with a
// retention never below the table's own; every table's rows are unchanged, and what it did is in the run's
// progress and log.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { applyChangeHour } from '../../pipelines/demo/apply-change-hour';
import { DEMO_TABLES, PRIMARY_KEYS } from '../../pipelines/demo/schema';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { loadSnapshot, readSnapshotRows } from '../../pipelines/delta/index';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { resolveDefinitionPath } from '../../pipelines/definition/definitions-dir';
import type { JobProgress } from '../../pipelines/runner/job-context';
import { createMaintenanceJobRunner } from '../../pipelines/runner/maintenance-job';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

let db: TempDatabase;
let lake: string;
let storage: LocalLakeStorage;

before(async () => {
  db = await createTempDatabase('maintenance_job');
  await seedDemoSource({ connectionString: db.url, rows: 2_000, seed: 9 });
  lake = await mkdtemp(path.join(tmpdir(), 'maintenance-job-'));
  storage = new LocalLakeStorage(lake);
});
after(async () => {
  await rm(lake, { recursive: true, force: true });
  await db?.drop();
});

function context(runId: string, progress: JobProgress[] = [], logs: string[] = []) {
  return {
    runId,
    target: 'county-ops',
    signal: new AbortController().signal,
    log: async (_level: string, message: string) => void logs.push(message),
    progress: async (p: JobProgress) => void progress.push(p),
  };
}

async function snapshotRows() {
  const duckdb = await createDuckDbSession();
  try {
    const out: Record<string, { version: number; files: number; rows: string }> = {};
    for (const table of DEMO_TABLES) {
      const snapshot = await loadSnapshot({ storage, duckdb }, `tables/${table}`);
      const rows = await readSnapshotRows({ storage, duckdb }, snapshot);
      const key = PRIMARY_KEYS[table];
      rows.sort((a, b) => Number(a[key]) - Number(b[key]));
      out[table] = { version: snapshot.version, files: snapshot.files.length, rows: JSON.stringify(rows) };
    }
    return out;
  } finally {
    duckdb.close();
  }
}

test('maintenance compacts small files, checkpoints and vacuums without changing any row', async () => {
  const pipeline = createPipelineJobRunner({
    storage,
    env: { DEMO_SOURCE_URL: db.url },
    mysqlUrl: null,
    resolveDefinitionPath: (target) => resolveDefinitionPath(target),
  });
  await pipeline(context('run-1'));
  for (const hour of [2, 3, 4]) {
    await applyChangeHour({ connectionString: db.url });
    await pipeline(context(`run-${hour}`));
  }
  const before = await snapshotRows();
  // Merges rewrite parcels' one file in place; inspections gain a file per run.
  assert.equal(before.inspections?.version, 3);
  assert.ok(Number(before.inspections?.files) >= 3, 'several small files');

  const progress: JobProgress[] = [];
  const logs: string[] = [];
  const maintain = createMaintenanceJobRunner({
    storage,
    resolveDefinitionPath: (target) => resolveDefinitionPath(target),
    // Asked for one hour: raised to the table's own retention (7 days), never below it.
    options: { retentionHours: 1 },
  });
  const result = await maintain(context('maint-1', progress, logs));
  const after = await snapshotRows();
  for (const table of DEMO_TABLES) {
    const report = result.tables.find((t) => t.table === table);
    assert.equal(after[table]?.rows, before[table]?.rows, `${table}: rows unchanged`);
    assert.ok(report?.exists);
    const compacted = Number(report?.filesCompacted) > 0;
    assert.equal(after[table]?.version, Number(before[table]?.version) + (compacted ? 1 : 0));
    assert.equal(
      after[table]?.files,
      Number(before[table]?.files) - Number(report?.filesCompacted) + (compacted ? 1 : 0),
    );
    assert.equal(report?.retentionHours, 168);
    assert.equal(
      report?.checkpointVersion,
      after[table]?.version,
      `${table}: checkpoint at the latest version`,
    );
    const checkpoint = `tables/${table}/_delta_log/${String(after[table]?.version).padStart(20, '0')}.checkpoint.parquet`;
    assert.ok(await storage.stat(checkpoint), `${checkpoint} written`);
  }
  const inspections = result.tables.find((t) => t.table === 'inspections');
  assert.equal(inspections?.filesCompacted, before.inspections?.files, 'inspections: small files compacted');
  assert.equal(after.inspections?.files, 1);
  assert.equal(after.inspections?.version, 4, 'one OPTIMIZE commit');
  // Files removed minutes ago are within the retention: vacuum keeps them for readers of older versions.
  assert.equal(inspections?.filesVacuumed, 0);
  const merged = Object.assign({}, ...progress) as JobProgress;
  assert.equal(merged.stage, 'done');
  assert.equal(merged['inspections.filesCompacted'], inspections?.filesCompacted);
  assert.equal(merged['inspections.checkpointVersion'], 4);
  assert.equal(merged.checkpoints, 4);
  assert.ok(
    logs.some((line) => /^inspections: compacted \d+ small file\(s\) into 1, checkpoint at v4/.test(line)),
    logs.join('\n'),
  );
  assert.ok(result.lineage.outputs.some((o) => o.name === `${lake}/tables/inspections` && o.version === 4));

  // Eight days later the files compaction and merges replaced are past the retention: vacuum deletes them.
  const later = createMaintenanceJobRunner({
    storage,
    resolveDefinitionPath: (target) => resolveDefinitionPath(target),
    clock: () => Date.now() + 8 * 24 * 3_600_000,
  });
  const second = await later(context('maint-2'));
  const afterVacuum = await snapshotRows();
  const vacuumed = second.tables.find((t) => t.table === 'inspections');
  assert.equal(vacuumed?.filesCompacted, 0, 'nothing left to compact');
  assert.ok(Number(vacuumed?.filesVacuumed) >= Number(before.inspections?.files), 'replaced files deleted');
  for (const table of DEMO_TABLES)
    assert.equal(afterVacuum[table]?.rows, before[table]?.rows, `${table}: rows`);
});
