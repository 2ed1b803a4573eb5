// The worker with the real runners, end to end against the real services: a manual run of the demo pipeline
// extracts from PostgreSQL, commits Delta tables and syncs them into MariaDB; its run record shows per-stage
// progress while it runs and at the end; START and COMPLETE lineage events name the PostgreSQL, file:// and
// mysql:// datasets with versions and statistics, and each table's extract, apply and sync are step runs that
// link its datasets one to the next. After an hour of source activity the next run carries the
// changes into Delta and MySQL; the sync.run job alone then finds nothing left to do.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyChangeHour } from '../../pipelines/demo/apply-change-hour';
import { DEMO_TABLES } from '../../pipelines/demo/schema';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { loadSnapshot } from '../../pipelines/delta/index';
import { createMySqlConnector, readSyncStatus } from '../../pipelines/sync/index';
import { resolveDefinitionPath } from '../../pipelines/definition/definitions-dir';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { closeAgenda } from '../../server/scheduler/create-agenda';
import { executeRun, type ExecuteRunDeps } from '../../server/scheduler/execute-run';
import type { JobRunner } from '../../server/scheduler/runner-types';
import { createSchedule, runScheduleNow, type SchedulerContext } from '../../server/scheduler/schedules';
import type { RunningWorker } from '../../server/scheduler/start-worker';
import type { RunRecord } from '../../server/store/types';
import { queryRows } from '../support/postgres';
import { openWebScheduler } from '../scheduler/control-test-db';
import { mysqlSkipReason, openRunnerServices, startRealWorker, type RunnerServices } from './services';
import { assertMySqlEqualsDelta } from './table-equality';

const skip = await mysqlSkipReason();
let services: RunnerServices;
let web: SchedulerContext;
let worker: RunningWorker;
const logs: string[] = [];

before(async () => {
  if (skip) return;
  services = await openRunnerServices('wkpipe');
  web = await openWebScheduler(services.control.url, services.store);
  worker = await startRealWorker(services, `pipeline-worker:${process.pid}`, (line) => logs.push(line));
});
after(async () => {
  if (skip) return;
  await worker?.stop(10_000);
  await closeAgenda(web.agenda, false);
  await services.close();
});

/** Runs the schedule now, watching the run record while it runs; resolves with it and what was seen. */
async function runAndWatch(schedule: string, target: string) {
  const before = new Set((await services.store.listRuns({ pipeline: target })).map((r) => r.id));
  await runScheduleNow(web, schedule);
  const seen: RunRecord['progress'][] = [];
  const deadline = Date.now() + 120_000;
  for (;;) {
    const run = (await services.store.listRuns({ pipeline: target })).find((r) => !before.has(r.id));
    if (run?.status === 'running' && Object.keys(run.progress).length > 0) seen.push(run.progress);
    if (run && run.status !== 'running') return { run, seen };
    if (Date.now() > deadline) throw new Error(`no finished run of ${schedule}; log:\n${logs.join('\n')}`);
    await sleep(25);
  }
}

describe('the worker runs the demo pipeline with the real runners', { skip: skip ?? false }, () => {
  it('schedules the definitions, then a manual run extracts, commits Delta and syncs MySQL, with progress and lineage', async () => {
    assert.deepEqual(worker.scheduled?.pipelines, ['county-ops']);
    const { run, seen } = await runAndWatch('county-ops', 'county-ops');
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.ok(seen.length > 0, 'progress was recorded while the run was running');
    assert.ok(
      seen.some((p) => ['extract', 'apply', 'sync'].includes(String(p.stage))),
      `a stage while running (saw ${[...new Set(seen.map((p) => p.stage))].join(', ')})`,
    );
    const sourceCounts = await queryRows<{ n: string }>(
      services.source.url,
      'SELECT count(*) AS n FROM parcels',
    );
    const p = run.progress;
    assert.equal(p.stage, 'done');
    assert.equal(p['parcels.rowsExtracted'], Number(sourceCounts[0]?.n));
    assert.ok(Number(p.rowsExtracted) >= Number(p['parcels.rowsExtracted']));
    assert.ok(Number(p.files) >= 4 && Number(p.bytes) > 0, 'raw files and bytes');
    assert.equal(p['parcels.deltaVersion'], 0);
    assert.equal(p.rowsSynced, p.rowsExtracted, 'a first run syncs every extracted row');
    assert.equal(p['inspections.rowsSynced'], p['inspections.rowsExtracted']);

    const events = await services.store.listLineageEvents({ runId: run.id });
    assert.deepEqual(
      events.map((e) => e.eventType),
      ['START', 'COMPLETE'],
    );
    const complete = events[1];
    assert.ok(complete?.inputs.every((i) => i.namespace === 'postgres://127.0.0.1:5432'));
    const mysqlOut = complete?.outputs.find((o) => o.name === `${services.mysql.name}.parcels`);
    assert.equal(mysqlOut?.namespace, 'mysql://127.0.0.1:3306');
    assert.equal(mysqlOut?.facets?.version?.datasetVersion, '0');
    assert.equal(mysqlOut?.outputFacets?.outputStatistics?.rowCount, Number(sourceCounts[0]?.n));
    const deltaOut = complete?.outputs.find((o) => o.name === `${services.lake}/tables/parcels`);
    assert.match(String(deltaOut?.namespace), /^file:\/\//);
    assert.equal(deltaOut?.facets?.version?.datasetVersion, '0');
    assert.ok(Number(deltaOut?.outputFacets?.outputStatistics?.size) > 0);
    assert.ok(Number(deltaOut?.outputFacets?.outputStatistics?.fileCount) >= 1);
    assert.equal(complete?.run.facets?.lakehouse_steps?.datasetsLinkedBySteps, true);

    // Each table's steps are child runs, so the graph follows one table: upstream of the MySQL copy of parcels
    // is its Delta table, the run's raw Parquet and the source table parcels, and no other source table.
    const steps = await services.store.listLineageEvents({
      job: { namespace: 'county-lakehouse', name: 'county-ops.parcels.sync' },
    });
    assert.deepEqual(
      steps.map((e) => e.eventType),
      ['START', 'COMPLETE'],
    );
    assert.equal(steps[1]?.run.facets?.parent?.run.runId, run.id);
    const graph = await services.store.lineageGraph(
      { namespace: 'mysql://127.0.0.1:3306', name: `${services.mysql.name}.parcels` },
      { direction: 'upstream', depth: 5 },
    );
    const source = complete?.inputs.find((i) => i.name.endsWith('.parcels'));
    assert.deepEqual(
      graph.nodes.map((n) => n.name).sort(),
      [
        source?.name,
        'county-ops.parcels.extract',
        `${services.lake}/raw/county_ops/parcels`,
        'county-ops.parcels.apply',
        `${services.lake}/tables/parcels`,
        'county-ops.parcels.sync',
        `${services.mysql.name}.parcels`,
      ].sort(),
    );
    await assertMySqlEqualsDelta(services);
    // What the front-end team's status shows: every demo table in sync, with equal counts.
    const duckdb = await createDuckDbSession();
    try {
      const statuses = await readSyncStatus({
        storage: services.storage,
        duckdb,
        connect: createMySqlConnector(services.mysql.url),
      });
      assert.deepEqual(statuses.map((st) => st.table).sort(), [...DEMO_TABLES].sort());
      for (const st of statuses) {
        assert.equal(st.state, 'in-sync', `${st.table}: ${st.lastError ?? ''}`);
        assert.equal(st.lagVersions, 0);
        assert.equal(st.mysqlRows, st.deltaRows, `${st.table}: rows in MySQL and Delta`);
        assert.equal(st.lastRowsUpserted, p[`${st.table}.rowsSynced`]);
      }
    } finally {
      duckdb.close();
    }
  });

  it('carries an hour of source changes into Delta and MySQL on the next run', async () => {
    const change = await applyChangeHour({ connectionString: services.source.url });
    const changed = DEMO_TABLES.reduce((n, t) => n + change.counts[t].inserted + change.counts[t].updated, 0);
    assert.ok(changed > 0, 'the change hour changed rows');
    const { run } = await runAndWatch('county-ops', 'county-ops');
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.equal(run.progress['parcels.deltaVersion'], 1);
    assert.ok(Number(run.progress.rowsSynced) >= changed - 0, 'the changed rows were synced');
    await assertMySqlEqualsDelta(services);
    // Every row the change hour inserted or updated is in MySQL with its new timestamp.
    const since = new Date(change.at.getTime() - 60 * 60_000);
    await services.mysql.admin.query("SET time_zone = '+00:00'");
    for (const table of DEMO_TABLES) {
      const [source] = await queryRows<{ n: string }>(
        services.source.url,
        'SELECT count(*) AS n FROM ' + table + ' WHERE updated_at >= $1',
        [since],
      );
      const [rows] = await services.mysql.admin.query(
        `SELECT count(*) AS n FROM \`${table}\` WHERE updated_at >= ?`,
        [since.toISOString().replace('T', ' ').replace('Z', '')],
      );
      assert.equal(
        Number((rows as { n: string }[])[0]?.n),
        Number(source?.n),
        `${table}: rows changed in the last hour`,
      );
    }
  });

  it('runs the sync.run job alone: MySQL is already in sync, so nothing is sent', async () => {
    await createSchedule(web, {
      name: 'county-ops.sync',
      jobType: 'sync.run',
      target: 'county-ops',
      cron: '0 * * * *',
    });
    const { run } = await runAndWatch('county-ops.sync', 'county-ops');
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.equal(run.jobType, 'sync.run');
    assert.equal(run.progress.rowsSynced, 0);
    assert.equal(run.progress['parcels.syncedVersion'], 1);
    assert.ok(!logs.some((line) => /not built/.test(line)));
  });

  it('a sync failure fails the run after Delta committed; the retry applies nothing twice and converges MySQL', async () => {
    await applyChangeHour({ connectionString: services.source.url });
    const runner = (mysqlUrl: string): JobRunner =>
      createPipelineJobRunner({
        storage: services.storage,
        env: { DEMO_SOURCE_URL: services.source.url },
        mysqlUrl,
        resolveDefinitionPath: (target) => resolveDefinitionPath(target),
      });
    const deps = (run: JobRunner): ExecuteRunDeps => ({
      store: services.store,
      clock: { now: () => new Date() },
      runner: run,
      worker: 'test',
      lockTtlMs: 5_000,
      timeoutMs: 120_000,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      lineageNamespace: 'county-lakehouse',
      emitLineage: (event) => services.store.saveLineageEvent(event),
    });
    const request = {
      jobType: 'pipeline.run' as const,
      target: 'county-ops',
      trigger: 'manual' as const,
      attempt: 1,
      scheduledFor: null,
    };
    // Nothing listens on port 1: the sync cannot connect.
    const failed = await executeRun(deps(runner('mysql://root@127.0.0.1:1/nowhere')), request);
    assert.ok(failed.kind === 'finished');
    assert.equal(failed.run.status, 'failed');
    assert.match(failed.run.error?.message ?? '', /Delta committed, MySQL sync failed/);
    assert.equal(failed.run.progress['parcels.deltaVersion'], 2);
    const [fail] = (await services.store.listLineageEvents({ runId: failed.run.id })).filter(
      (e) => e.eventType === 'FAIL',
    );
    assert.ok(
      fail?.outputs.some((o) => o.namespace === 'mysql://127.0.0.1:1' && o.name === 'nowhere.parcels'),
    );
    const delta = fail?.outputs.find((o) => o.name === `${services.lake}/tables/parcels`);
    assert.equal(delta?.facets?.version?.datasetVersion, '2', 'the FAIL event names the committed version');
    // The steps say where it broke: parcels' apply completed, its sync failed with the reason.
    const stepOf = async (name: string) =>
      (await services.store.listLineageEvents({ job: { namespace: 'county-lakehouse', name } })).filter(
        (e) => e.run.facets?.parent?.run.runId === failed.run.id,
      );
    assert.deepEqual(
      (await stepOf('county-ops.parcels.apply')).map((e) => e.eventType),
      ['START', 'COMPLETE'],
    );
    const syncStep = await stepOf('county-ops.parcels.sync');
    assert.deepEqual(
      syncStep.map((e) => e.eventType),
      ['START', 'FAIL'],
    );
    assert.match(syncStep[1]?.run.facets?.errorMessage?.message ?? '', /MYSQL_UNREACHABLE/);

    const retried = await executeRun(deps(runner(services.mysql.url)), {
      ...request,
      trigger: 'retry',
      attempt: 2,
      firstRunId: failed.run.id,
    });
    assert.ok(retried.kind === 'finished');
    assert.equal(retried.run.status, 'succeeded', retried.run.error?.message);
    const duckdb = await createDuckDbSession();
    try {
      for (const table of DEMO_TABLES) {
        const snapshot = await loadSnapshot({ storage: services.storage, duckdb }, `tables/${table}`);
        assert.equal(snapshot.version, 2, `${table}: the retry committed nothing new`);
      }
    } finally {
      duckdb.close();
    }
    assert.ok(
      Number(retried.run.progress.rowsSynced) > 0,
      'the retry synced what the first attempt could not',
    );
    await assertMySqlEqualsDelta(services);
  });
});
