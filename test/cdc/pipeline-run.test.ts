// End to end against the real services: the demo source (PostgreSQL, seeded small) → raw Parquet → Delta, through
// runPipeline. First load, change hours applied by the demo's change generator, deletes by key comparison, a
// retried run applied once, a connection killed mid-extract, schema drift. Delta is compared with the source
// row by row (compare-delta.ts).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { applyChangeHour } from '../../pipelines/demo/apply-change-hour';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { readHistory } from '../../pipelines/delta/history';
import { planScan } from '../../pipelines/delta/scan';
import { readCommit } from '../../pipelines/delta/read-commit';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { getCommitPath } from '../../pipelines/delta/write/commit-file';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { isPipelineError } from '../../pipelines/definition/errors';
import { parseDefinitionText, type PipelineDefinition } from '../../pipelines/definition/load-definition';
import { runPipeline, type RunPipelineEffects } from '../../pipelines/runner/run-pipeline';
import { PostgresSource } from '../../pipelines/sources/postgres/postgres-source';
import type { Source } from '../../pipelines/sources/source';
import { createTempDatabase, withClient, type TempDatabase } from '../support/postgres';
import { KEYS, assertDeltaMatchesSource, countInspectorNames, versions } from './compare-delta';

let db: TempDatabase;
let dir: string;
let duckdb: DuckDbSession;
let effects: RunPipelineEffects;
let definition: PipelineDefinition;
let hour = Date.parse('2026-11-24T09:00:00Z');

before(async () => {
  db = await createTempDatabase('pipeline_run');
  await seedDemoSource({ connectionString: db.url, rows: 6_000, seed: 11 });
  dir = await mkdtemp(path.join(tmpdir(), 'pipeline-run-'));
  duckdb = await createDuckDbSession();
  effects = { storage: new LocalLakeStorage(dir), duckdb, env: { DEMO_SOURCE_URL: db.url } };
  // The demo definition, comparing keys on every run so deletes show up at once.
  const text = await readFile(path.resolve('pipelines/demo/county-ops.pipeline.yaml'), 'utf8');
  definition = parseDefinitionText(text.replace('everyRuns: 24', 'everyRuns: 1'), 'county-ops.pipeline.yaml');
});
after(async () => {
  duckdb?.close();
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

async function changeHour(): Promise<void> {
  hour += 3_600_000;
  await applyChangeHour({ connectionString: db.url, clock: () => new Date(hour) });
}

test('the first run creates the four Delta tables with the full load', async () => {
  const result = await runPipeline(effects, definition, { runId: 'run-1' });
  assert.equal(result.ok, true);
  assert.deepEqual(
    result.tables.map((table) => [table.table, table.plan.action, table.apply?.version]),
    Object.keys(KEYS).map((table) => [table, 'create', 0]),
  );
  await assertDeltaMatchesSource(db.url, effects);
  const snapshot = await loadSnapshot(effects, 'tables/parcels');
  assert.equal(snapshot.txns.get('county-ops/parcels')?.version, 1);
  // The CDC creates its tables with deletion vectors, so incremental runs need not rewrite files.
  assert.equal(snapshot.metadata.configuration['delta.enableDeletionVectors'], 'true');
  assert.ok(snapshot.protocol.readerFeatures?.includes('deletionVectors'));
  assert.ok(snapshot.protocol.writerFeatures?.includes('deletionVectors'));
  // The demo definition turns the change data feed on (changeDataFeed: true).
  assert.equal(snapshot.metadata.configuration['delta.enableChangeDataFeed'], 'true');
  assert.ok(snapshot.protocol.writerFeatures?.includes('changeDataFeed'));
});

test('a change hour shows up after the next run: one commit per table with run id, watermark and LSN', async () => {
  await changeHour();
  const result = await runPipeline(effects, definition, { runId: 'run-2' });
  assert.equal(result.ok, true, JSON.stringify(result.tables.map((t) => t.error?.message)));
  assert.deepEqual(await versions(effects), {
    parcels: 1,
    building_permits: 1,
    inspections: 1,
    service_requests: 1,
  });
  await assertDeltaMatchesSource(db.url, effects);
  const [latest] = await readHistory(effects, 'tables/service_requests', { limit: 1 });
  const info = latest?.commitInfo?.pipelineRun as Record<string, unknown>;
  assert.equal(info.runId, 'run-2');
  assert.equal(info.runSequence, 2);
  assert.equal(info.keysCompared, true);
  assert.deepEqual((info.watermark as { value: string }).value, '2026-11-24T10:00:00.000000Z');
  assert.match((info.position as { value: string }).value, /^[0-9A-F]+\/[0-9A-F]+$/);
  const snapshot = await loadSnapshot(effects, 'tables/service_requests');
  assert.equal(snapshot.txns.get('county-ops/service_requests')?.version, 2);
  // Changed and deleted rows were marked in deletion vectors: no file of the first load was rewritten.
  const metrics = latest?.commitInfo?.operationMetrics as Record<string, string>;
  assert.equal(metrics.numTargetRowsCopied, '0');
  assert.ok(Number(metrics.numTargetRowsUpdated) + Number(metrics.numTargetRowsDeleted) > 0);
  assert.ok(snapshot.files.some((file) => file.deletionVector));
  // The merge's change files hold one row per inserted and deleted row and two per updated row.
  const cdcs = (await readCommit(effects, { path: getCommitPath('tables/service_requests', 1) }, 1)).flatMap(
    (action) => (action.cdc ? [action.cdc] : []),
  );
  assert.ok(cdcs.length > 0, 'the merge wrote change data files');
  const files = cdcs.map((cdc) => toSqlString(path.join(dir, 'tables/service_requests', cdc.path)));
  const counts = await duckdb.queryJson(
    `SELECT _change_type AS kind, count(*)::INTEGER AS n FROM read_parquet([${files.join(', ')}]) GROUP BY ALL`,
  );
  const count = (kind: string) => Number(counts.find((row) => row.kind === kind)?.n ?? 0);
  assert.equal(count('update_preimage'), Number(metrics.numTargetRowsUpdated));
  assert.equal(count('update_postimage'), Number(metrics.numTargetRowsUpdated));
  assert.equal(count('delete'), Number(metrics.numTargetRowsDeleted));
  assert.equal(count('insert'), Number(metrics.numTargetRowsInserted));
});

test('a run retried after it committed applies nothing twice', async () => {
  const before = await versions(effects);
  const result = await runPipeline(effects, definition, { runId: 'run-2' });
  assert.equal(result.ok, true);
  assert.ok(result.tables.every((table) => table.apply?.alreadyApplied));
  assert.deepEqual(await versions(effects), before);
  await assertDeltaMatchesSource(db.url, effects);
});

test('the source connection killed mid-extract: the run fails, Delta is unchanged, the next run catches up', async () => {
  await changeHour();
  const before = await versions(effects);
  const real = new PostgresSource(db.url);
  // After the first batch of service_requests, a DBA terminates every other backend of the database.
  const killing: Source = {
    kind: 'postgres',
    async openSession() {
      const session = await real.openSession();
      return {
        position: session.position,
        describeTable: (table) => session.describeTable(table),
        close: () => session.close(),
        async *readRows(request) {
          let first = true;
          for await (const batch of session.readRows({ ...request, batchSize: 50 })) {
            yield batch;
            if (first && request.table.name === 'service_requests') {
              first = false;
              await withClient(db.url, (client) =>
                client.query(
                  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
                ),
              );
            }
          }
        },
      };
    },
  };
  await assert.rejects(
    runPipeline({ ...effects, openSource: () => killing }, definition, { runId: 'run-3' }),
    (error: unknown) =>
      isPipelineError(error, 'EXTRACT_FAILED') && /SOURCE_CONNECTION_LOST/.test(error.message),
  );
  assert.deepEqual(await versions(effects), before);
  assert.equal(await effects.storage.stat('raw/county_ops/service_requests/run-3/_manifest.json'), null);
  const result = await runPipeline(effects, definition, { runId: 'run-4' });
  assert.equal(result.ok, true);
  await assertDeltaMatchesSource(db.url, effects);
});

test('a run aborted mid-extract (its timeout): the source gets the signal, the run fails with the reason, nothing is published', async () => {
  await changeHour();
  const before = await versions(effects);
  const real = new PostgresSource(db.url);
  const controller = new AbortController();
  let given: AbortSignal | undefined;
  // The session must be opened with the run's signal (that is what cancels its queries on the server); the run
  // times out after the first batch of service_requests.
  const timingOut: Source = {
    kind: 'postgres',
    async openSession(options) {
      given = options?.signal;
      const session = await real.openSession(options);
      return {
        position: session.position,
        describeTable: (table) => session.describeTable(table),
        close: () => session.close(),
        async *readRows(request) {
          for await (const batch of session.readRows({ ...request, batchSize: 50 })) {
            yield batch;
            if (request.table.name === 'service_requests') controller.abort(new Error('Timed out after 1 s'));
          }
        },
      };
    },
  };
  await assert.rejects(
    runPipeline({ ...effects, signal: controller.signal, openSource: () => timingOut }, definition, {
      runId: 'run-3b',
    }),
    (error: unknown) =>
      isPipelineError(error, 'EXTRACT_FAILED') &&
      /SOURCE_ABORTED/.test(error.message) &&
      /stopped: Timed out after 1 s/.test(error.message),
  );
  assert.equal(given, controller.signal);
  assert.deepEqual(await versions(effects), before);
  assert.equal(await effects.storage.stat('raw/county_ops/service_requests/run-3b/_manifest.json'), null);
});

test('rows changed while a run reads are captured by that run or the next, even when stamped late', async () => {
  await changeHour();
  const real = new PostgresSource(db.url);
  // While the run reads, two requests change: one stamped 5 minutes before the hour (a long transaction that
  // committed after the cut: only the overlap window catches it), one stamped after the hour.
  const early = new Date(hour - 300_000).toISOString();
  const late = new Date(hour + 1_800_000).toISOString();
  const racing: Source = {
    kind: 'postgres',
    async openSession() {
      const session = await real.openSession();
      return {
        position: session.position,
        describeTable: (table) => session.describeTable(table),
        close: () => session.close(),
        async *readRows(request) {
          if (request.table.name === 'inspections') {
            await withClient(db.url, async (client) => {
              await client.query(
                `UPDATE service_requests SET description = 'changed mid-run (early)', updated_at = $1 WHERE request_id = 2`,
                [early],
              );
              await client.query(
                `UPDATE service_requests SET description = 'changed mid-run (late)', updated_at = $1 WHERE request_id = 3`,
                [late],
              );
            });
          }
          yield* session.readRows(request);
        },
      };
    },
  };
  const during = await runPipeline({ ...effects, openSource: () => racing }, definition, { runId: 'run-4b' });
  assert.equal(during.ok, true);
  const next = await runPipeline(effects, definition, { runId: 'run-4c' });
  assert.equal(next.ok, true);
  await assertDeltaMatchesSource(db.url, effects);
});

test('a table created without the change feed gets it by a property commit once its definition turns it on', async () => {
  const text = (await readFile(path.resolve('pipelines/demo/county-ops.pipeline.yaml'), 'utf8'))
    .replaceAll('target: tables/', 'target: later/')
    .replace('everyRuns: 24', 'everyRuns: 1');
  const off = parseDefinitionText(text.replace('changeDataFeed: true', 'changeDataFeed: false'), 'off.yaml');
  const on = parseDefinitionText(text, 'on.yaml');
  const root = 'later/service_requests';
  const only = { tables: ['service_requests'] };
  assert.equal((await runPipeline(effects, off, { runId: 'later-1', ...only })).ok, true);
  const created = await loadSnapshot(effects, root);
  assert.equal(created.metadata.configuration['delta.enableChangeDataFeed'], undefined);
  await changeHour();
  const result = await runPipeline(effects, on, { runId: 'later-2', ...only });
  assert.equal(result.ok, true, JSON.stringify(result.tables.map((t) => t.error?.message)));
  const [mergeCommit, propertyCommit] = await readHistory(effects, root, { limit: 2 });
  assert.deepEqual([mergeCommit?.operation, propertyCommit?.operation], ['MERGE', 'SET TBLPROPERTIES']);
  const version = mergeCommit?.version ?? -1;
  const actions = await readCommit(effects, { path: getCommitPath(root, version) }, version);
  assert.ok(
    actions.some((action) => action.cdc),
    'the run after the property commit writes change files',
  );
  assert.ok((await loadSnapshot(effects, root)).protocol.writerFeatures?.includes('changeDataFeed'));
  // The property commit changes no data: the next run still plans incrementally from the merge's watermark.
  const next = await runPipeline(effects, on, { runId: 'later-3', ...only });
  assert.equal(next.ok, true);
  assert.equal(next.tables[0]?.plan.action, 'incremental');
  // The change hour above also changed the source of the tables/ tables: bring them up to date for the tests after.
  assert.equal((await runPipeline(effects, definition, { runId: 'later-catch-up' })).ok, true);
});

test('--full reloads one table in one overwrite commit; the others are not touched', async () => {
  const before = await versions(effects);
  const result = await runPipeline(effects, definition, {
    runId: 'run-full',
    tables: ['parcels'],
    forceFull: true,
  });
  assert.equal(result.ok, true);
  assert.deepEqual(
    result.tables.map((table) => [table.table, table.plan.action]),
    [['parcels', 'full']],
  );
  assert.deepEqual(await versions(effects), { ...before, parcels: (before.parcels ?? 0) + 1 });
  const [latest] = await readHistory(effects, 'tables/parcels', { limit: 1 });
  assert.equal(latest?.operation, 'WRITE');
  assert.equal(latest?.operationParameters?.mode, 'Overwrite');
  await assertDeltaMatchesSource(db.url, effects);
});

test('schema drift: a new column becomes a nullable column; an incompatible type stops only that table', async () => {
  const at = new Date(hour + 60_000).toISOString();
  await withClient(db.url, async (client) => {
    await client.query('ALTER TABLE parcels ADD COLUMN flood_risk_score integer');
    await client.query('UPDATE parcels SET flood_risk_score = 7, updated_at = $1 WHERE parcel_id = 1', [at]);
    await client.query('ALTER TABLE building_permits ALTER COLUMN valuation TYPE text');
    await client.query('UPDATE building_permits SET updated_at = $1 WHERE permit_id = 1', [at]);
    await client.query('ALTER TABLE inspections DROP COLUMN inspector_name');
    await client.query('UPDATE inspections SET updated_at = $1 WHERE inspection_id = 1', [at]);
  });
  const namedBefore = await countInspectorNames(effects);
  const before = await versions(effects);
  const result = await runPipeline(effects, definition, { runId: 'run-5' });
  assert.equal(result.ok, false);
  const permits = result.tables.find((table) => table.table === 'building_permits');
  assert.ok(isPipelineError(permits?.error, 'INCOMPATIBLE_SCHEMA'), String(permits?.error));
  assert.match(permits.error.message, /valuation/);
  assert.match(permits.error.message, /left untouched/);
  const after = await versions(effects);
  assert.equal(after.building_permits, before.building_permits);
  assert.equal(after.parcels, (before.parcels ?? 0) + 1);
  // A dropped source column stays in Delta: null in the rows changed since, kept in the others.
  assert.equal(after.inspections, (before.inspections ?? 0) + 1);
  const inspections = await loadSnapshot(effects, 'tables/inspections');
  const scan = await planScan(effects, inspections);
  try {
    const [first] = await duckdb.queryJson(
      `SELECT inspector_name FROM (${scan.sql}) WHERE inspection_id = 1`,
    );
    assert.equal(first?.inspector_name, null);
  } finally {
    await scan.release();
  }
  // Only the rows this run re-read (changed, or inside the overlap window) lose the value.
  const reread = result.tables.find((table) => table.table === 'inspections')?.rows ?? 0;
  const namedAfter = await countInspectorNames(effects);
  assert.ok(
    namedAfter > 0 && namedAfter >= namedBefore - reread,
    `${namedAfter} of ${namedBefore} (${reread} re-read)`,
  );
  const parcels = await loadSnapshot(effects, 'tables/parcels');
  const added = parcels.schema.fields.find((field) => field.name === 'flood_risk_score');
  assert.deepEqual([added?.type, added?.nullable], ['integer', true]);
  const plan = await planScan(effects, parcels);
  try {
    const rows = await duckdb.queryJson(
      `SELECT parcel_id, flood_risk_score FROM (${plan.sql}) WHERE parcel_id IN (1, 2) ORDER BY parcel_id`,
    );
    assert.deepEqual(rows, [
      { parcel_id: '1', flood_risk_score: 7 },
      { parcel_id: '2', flood_risk_score: null },
    ]);
  } finally {
    await plan.release();
  }
});
