// Data-quality checks gate the pipeline, end to end on the real services with bad data made in the demo source
// (PostgreSQL), runs through executeRun (the worker's run loop) into a PostgreSQL control store, Delta on a local
// lake and MySQL in MariaDB:
// - nulls injected in a checked column: the run fails with QUALITY_CHECK_FAILED before the table's Delta commit
//   (its version unchanged, MySQL unchanged), the results are stored with the run, and the FAIL lineage event
//   carries the dataQualityAssertions facet; a `warn` check on another table lets its rows through;
// - a check on the new snapshot: Delta commits, MySQL is not synced for that table, and stays so on the next run
//   until the source is fixed;
// - duplicate keys from a view (no primary key constraint): the table is never created;
// - a truncated load (most rows deleted, full load): the row count check stops the commit.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { isDeltaError, loadSnapshot } from '../../pipelines/delta/index';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { createSyncJobRunner } from '../../pipelines/runner/sync-job';
import type { CheckResult } from '../../pipelines/quality/check-result';
import { executeRun, type ExecuteRunDeps } from '../../server/scheduler/execute-run';
import type { RunRecord } from '../../server/store/types';
import { queryRows } from '../support/postgres';
import { mysqlSkipReason, openRunnerServices, type RunnerServices } from '../runner/services';

const skip = await mysqlSkipReason();
let services: RunnerServices;
let definitions: string;

async function writeDefinitions(permitStatuses: string[]): Promise<void> {
  const source = { name: 'county_ops', connection: { kind: 'postgres', urlEnv: 'DEMO_SOURCE_URL' } };
  await writeFile(
    path.join(definitions, 'qgate.pipeline.yaml'),
    stringify({
      name: 'qgate',
      source,
      tables: [
        {
          name: 'parcels',
          primaryKey: ['parcel_id'],
          watermark: 'updated_at',
          target: 'tables/parcels',
          sync: { table: 'parcels' },
          checks: [
            { kind: 'not_null', columns: ['apn', 'owner_name'] },
            { kind: 'range', column: 'assessed_land_value', min: 0 },
            { kind: 'unique', on: 'snapshot' },
          ],
        },
        {
          name: 'building_permits',
          primaryKey: ['permit_id'],
          watermark: 'updated_at',
          target: 'tables/building_permits',
          sync: { table: 'building_permits' },
          checks: [{ kind: 'accepted_values', column: 'status', values: permitStatuses, severity: 'warn' }],
        },
        {
          name: 'inspections',
          primaryKey: ['inspection_id'],
          watermark: 'updated_at',
          target: 'tables/inspections',
          sync: { table: 'inspections' },
          checks: [
            {
              kind: 'sql',
              name: 'no test results',
              on: 'snapshot',
              sql: "SELECT inspection_id FROM snapshot WHERE result = 'qgate-bad'",
            },
            // Scheduled inspections have no result yet: this warns on every run and never holds the sync back.
            { kind: 'not_null', columns: ['result'], on: 'snapshot', severity: 'warn' },
          ],
        },
        {
          name: 'service_requests',
          primaryKey: ['request_id'],
          mode: 'full',
          target: 'tables/service_requests',
          sync: { table: 'service_requests' },
          checks: [{ kind: 'row_count_change', maxPercent: 20 }],
        },
      ],
    }),
  );
  await writeFile(
    path.join(definitions, 'qgate-dup.pipeline.yaml'),
    stringify({
      name: 'qgate-dup',
      source,
      tables: [
        {
          name: 'permit_feed',
          primaryKey: ['permit_id'],
          mode: 'full',
          target: 'tables/permit_feed',
          sync: { table: 'permit_feed' },
          checks: [{ kind: 'unique' }],
        },
      ],
    }),
  );
}

before(async () => {
  if (skip) return;
  services = await openRunnerServices('qgate');
  definitions = await mkdtemp(path.join(tmpdir(), 'qgate-defs-'));
  const statuses = await queryRows<{ status: string }>(
    services.source.url,
    'SELECT DISTINCT status FROM building_permits ORDER BY 1',
  );
  await writeDefinitions(statuses.map((row) => row.status));
});
after(async () => {
  if (skip) return;
  await rm(definitions, { recursive: true, force: true });
  await services.close();
});

const sql = (text: string) => queryRows(services.source.url, text);

async function run(
  target: string,
  jobType: 'pipeline.run' | 'sync.run' = 'pipeline.run',
): Promise<RunRecord> {
  const resolveDefinitionPath = (name: string) => path.join(definitions, `${name}.pipeline.yaml`);
  const deps: ExecuteRunDeps = {
    store: services.store,
    clock: { now: () => new Date() },
    runner:
      jobType === 'sync.run'
        ? createSyncJobRunner({
            storage: services.storage,
            mysqlUrl: services.mysql.url,
            resolveDefinitionPath,
          })
        : createPipelineJobRunner({
            storage: services.storage,
            env: { DEMO_SOURCE_URL: services.source.url },
            mysqlUrl: services.mysql.url,
            resolveDefinitionPath,
          }),
    worker: 'test',
    lockTtlMs: 10_000,
    timeoutMs: 120_000,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    lineageNamespace: 'county-lakehouse',
    emitLineage: (event) => services.store.saveLineageEvent(event),
  };
  const outcome = await executeRun(deps, {
    jobType,
    target,
    trigger: 'manual',
    attempt: 1,
    scheduledFor: null,
  });
  assert.ok(outcome.kind === 'finished');
  // What the run page reads: the stored record.
  return (await services.store.getRun(outcome.run.id)) as RunRecord;
}

async function deltaVersion(table: string): Promise<number | null> {
  const duckdb = await createDuckDbSession();
  try {
    return (await loadSnapshot({ storage: services.storage, duckdb }, `tables/${table}`)).version;
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) return null;
    throw error;
  } finally {
    duckdb.close();
  }
}

async function mysqlCount(query: string): Promise<number> {
  const [rows] = await services.mysql.admin.query(query);
  return Number((rows as { n: number | string }[])[0]?.n);
}

const result = (run: RunRecord, check: string): CheckResult | undefined =>
  run.results.quality?.find((r) => r.check === check);

describe('data-quality checks gate the Delta commit and the MySQL sync', { skip: skip ?? false }, () => {
  it('a clean run passes every check (a warning does not fail it) and stores the results with the run', async () => {
    const first = await run('qgate');
    assert.equal(first.status, 'succeeded', first.error?.message);
    assert.ok(
      (await mysqlCount('SELECT count(*) AS n FROM inspections WHERE result IS NULL')) > 0,
      'the warned snapshot was synced',
    );
    const checks = first.results.quality ?? [];
    assert.deepEqual(
      checks.map((r) => `${r.table} ${r.check} ${r.stage} ${r.passed}`),
      [
        'parcels not_null(apn) incoming true',
        'parcels not_null(owner_name) incoming true',
        'parcels range(assessed_land_value) incoming true',
        'building_permits accepted_values(status) incoming true',
        'service_requests row_count_change(±20%) snapshot true',
        'parcels unique(parcel_id) snapshot true',
        'inspections sql:no test results snapshot true',
        'inspections not_null(result) snapshot false',
      ],
    );
    const complete = (await services.store.listLineageEvents({ runId: first.id })).at(-1);
    assert.equal(complete?.eventType, 'COMPLETE');
    const parcels = complete?.inputs.find((i) => i.name.endsWith('.parcels'));
    assert.deepEqual(parcels?.inputFacets?.dataQualityAssertions?.assertions, [
      { assertion: 'not_null', success: true, column: 'apn' },
      { assertion: 'not_null', success: true, column: 'owner_name' },
      { assertion: 'range', success: true, column: 'assessed_land_value' },
    ]);
    assert.match(
      parcels?.inputFacets?.dataQualityAssertions?._schemaURL ?? '',
      /facets\/1-0-1\/DataQualityAssertionsDatasetFacet\.json/,
    );
  });

  it('nulls in a checked column stop that table before its commit; a warn check lets its rows through', async () => {
    const parcelsVersion = await deltaVersion('parcels');
    const permitsVersion = await deltaVersion('building_permits');
    await sql('ALTER TABLE parcels ALTER COLUMN apn DROP NOT NULL');
    await sql(
      `UPDATE parcels SET apn = NULL, updated_at = now() WHERE parcel_id IN (SELECT parcel_id FROM parcels ORDER BY parcel_id LIMIT 3)`,
    );
    await sql(
      `UPDATE building_permits SET status = 'LOST', updated_at = now() WHERE permit_id = (SELECT min(permit_id) FROM building_permits)`,
    );
    const failed = await run('qgate');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'QUALITY_CHECK_FAILED');
    assert.match(
      failed.error?.message ?? '',
      /parcels: stopped before the Delta commit, the table was left unchanged: not_null\(apn\): 3 rows with apn null/,
    );
    assert.equal(await deltaVersion('parcels'), parcelsVersion, 'parcels: no commit');
    assert.equal(
      await mysqlCount('SELECT count(*) AS n FROM parcels WHERE apn IS NULL'),
      0,
      'MySQL unchanged',
    );
    assert.deepEqual(
      [result(failed, 'not_null(apn)')?.passed, result(failed, 'not_null(apn)')?.observed],
      [false, 3],
    );
    const warned = result(failed, 'accepted_values(status)');
    assert.deepEqual([warned?.passed, warned?.severity, warned?.observed], [false, 'warn', 1]);
    assert.match(warned?.message ?? '', /LOST \(1\)/);
    assert.equal(
      await deltaVersion('building_permits'),
      (permitsVersion ?? -1) + 1,
      'the warned rows committed',
    );
    assert.equal(
      await mysqlCount(`SELECT count(*) AS n FROM building_permits WHERE status = 'LOST'`),
      1,
      "and synced: the other tables' MySQL copies do not wait for parcels' source to be fixed",
    );
    const fail = (await services.store.listLineageEvents({ runId: failed.id })).at(-1);
    assert.equal(fail?.eventType, 'FAIL');
    const parcels = fail?.inputs.find((i) => i.name.endsWith('.parcels'));
    assert.deepEqual(parcels?.inputFacets?.dataQualityAssertions?.assertions[0], {
      assertion: 'not_null',
      success: false,
      column: 'apn',
    });
    const applyStep = (
      await services.store.listLineageEvents({
        job: { namespace: 'county-lakehouse', name: 'qgate.parcels.apply' },
      })
    ).at(-1);
    assert.equal(applyStep?.eventType, 'FAIL');
    assert.equal(applyStep?.inputs[0]?.inputFacets?.dataQualityAssertions?.assertions[0]?.success, false);

    // The source fixed: the next run plans from the unchanged table, commits the rows and syncs them.
    await sql(`UPDATE parcels SET apn = 'FIXED-' || parcel_id, updated_at = now() WHERE apn IS NULL`);
    const fixed = await run('qgate');
    assert.equal(fixed.status, 'succeeded', fixed.error?.message);
    assert.equal(await mysqlCount(`SELECT count(*) AS n FROM parcels WHERE apn LIKE 'FIXED-%'`), 3);
  });

  it('a failed check on the new snapshot keeps MySQL at its version until a later snapshot passes', async () => {
    const before = await deltaVersion('inspections');
    await sql(
      `UPDATE inspections SET result = 'qgate-bad', updated_at = now() WHERE inspection_id = (SELECT min(inspection_id) FROM inspections)`,
    );
    const gated = await run('qgate');
    assert.equal(gated.status, 'failed');
    assert.equal(gated.error?.code, 'QUALITY_CHECK_FAILED');
    assert.match(
      gated.error?.message ?? '',
      /Delta committed, MySQL sync failed: inspections: the Delta snapshot failed its checks/,
    );
    assert.equal(await deltaVersion('inspections'), (before ?? -1) + 1, 'the Delta commit exists');
    assert.equal(await mysqlCount(`SELECT count(*) AS n FROM inspections WHERE result = 'qgate-bad'`), 0);
    const check = result(gated, 'sql:no test results');
    assert.deepEqual([check?.passed, check?.observed, check?.stage], [false, 1, 'snapshot']);
    const syncStep = (
      await services.store.listLineageEvents({
        job: { namespace: 'county-lakehouse', name: 'qgate.inspections.sync' },
      })
    ).at(-1);
    assert.equal(syncStep?.eventType, 'FAIL');
    assert.deepEqual(syncStep?.inputs[0]?.inputFacets?.dataQualityAssertions?.assertions, [
      { assertion: 'sql:no test results', success: false },
      { assertion: 'not_null', success: false, column: 'result' },
    ]);

    const again = await run('qgate');
    assert.equal(again.error?.code, 'QUALITY_CHECK_FAILED', 'still gated: the snapshot has not changed');
    const syncOnly = await run('qgate', 'sync.run');
    assert.equal(syncOnly.error?.code, 'QUALITY_CHECK_FAILED', 'the sync job is gated too');
    assert.equal(result(syncOnly, 'sql:no test results')?.passed, false);
    const syncEvent = (await services.store.listLineageEvents({ runId: syncOnly.id })).at(-1);
    const deltaIn = syncEvent?.inputs.find((i) => i.name.endsWith('/tables/inspections'));
    assert.deepEqual(deltaIn?.inputFacets?.dataQualityAssertions?.assertions, [
      { assertion: 'sql:no test results', success: false },
      { assertion: 'not_null', success: false, column: 'result' },
    ]);
    assert.equal(await mysqlCount(`SELECT count(*) AS n FROM inspections WHERE result = 'qgate-bad'`), 0);
    await sql(`UPDATE inspections SET result = 'pass', updated_at = now() WHERE result = 'qgate-bad'`);
    const passed = await run('qgate');
    assert.equal(passed.status, 'succeeded', passed.error?.message);
  });

  it('duplicate keys from a view without a key constraint never create the table', async () => {
    await sql(
      `CREATE VIEW permit_feed AS SELECT * FROM building_permits UNION ALL SELECT * FROM building_permits WHERE permit_id IN (SELECT permit_id FROM building_permits ORDER BY permit_id LIMIT 2)`,
    );
    const failed = await run('qgate-dup');
    assert.equal(failed.error?.code, 'QUALITY_CHECK_FAILED');
    const unique = result(failed, 'unique(permit_id)');
    assert.deepEqual([unique?.passed, unique?.observed], [false, 2]);
    assert.match(unique?.message ?? '', /2 values appear more than once/);
    assert.equal(await deltaVersion('permit_feed'), null, 'no Delta table');
    assert.equal(
      await mysqlCount(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'permit_feed'`,
      ),
      0,
    );
  });

  it('a truncated load (most rows gone, full load) stops at the row count check', async () => {
    const before = await deltaVersion('service_requests');
    const mysqlRows = await mysqlCount('SELECT count(*) AS n FROM service_requests');
    await sql(`DELETE FROM service_requests WHERE request_id % 10 <> 0`);
    const failed = await run('qgate');
    assert.equal(failed.error?.code, 'QUALITY_CHECK_FAILED');
    const change = result(failed, 'row_count_change(±20%)');
    assert.equal(change?.passed, false);
    assert.ok(Number(change?.observed) > 80, `observed ${String(change?.observed)}`);
    assert.match(
      change?.message ?? '',
      new RegExp(`^${mysqlRows} → \\d+ rows \\(-\\d+\\.\\d%, limit ±20%\\)`),
    );
    assert.equal(await deltaVersion('service_requests'), before, 'no commit');
    assert.equal(
      await mysqlCount('SELECT count(*) AS n FROM service_requests'),
      mysqlRows,
      'MySQL unchanged',
    );
  });
});
