// Freshness end to end on the real services (issue 14): a pipeline run from the PostgreSQL demo source records
// dataAsOf (the source's clock when its consistent read began) in commitInfo.pipelineRun; the MySQL sync (MariaDB)
// carries it and the table's freshness limit into its state; the status says fresh, then stale once the injected
// clock passes the limit while MySQL equals Delta; a quiet run still moves "as of" forward; Prometheus shows it.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSyncCli } from '../../pipelines/cli/sync';
import { readManifest } from '../../pipelines/cdc/raw-manifest';
import type { RunInfo } from '../../pipelines/cdc/plan-run';
import { loadDefinition, type PipelineDefinition } from '../../pipelines/definition/load-definition';
import { readHistory } from '../../pipelines/delta/history';
import { restore } from '../../pipelines/delta/write';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { runPipeline, type RunPipelineEffects } from '../../pipelines/runner/run-pipeline';
import { PostgresSource } from '../../pipelines/sources/postgres/postgres-source';
import type { Source } from '../../pipelines/sources/source';
import { syncPipelineTables } from '../../pipelines/runner/sync-pipeline';
import { readSyncStatus, syncTable, type TableSyncStatus } from '../../pipelines/sync';
import { formatSyncPrometheus } from '../../server/api/sync-prometheus';
import { summarizeSyncState } from '../../server/api/sync-status';
import { captureCli } from '../support/cli-output';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { createTestDatabase, mariaDbSkipReason, type TestDatabase } from '../sync/mysql-test-db';

const skip = await mariaDbSkipReason();
const TABLES = ['parcels'];
const LIMIT_SECONDS = 7200; // the demo is hourly: twice that
let source: TempDatabase;
let mysql: TestDatabase;
let lake: string;
let duckdb: DuckDbSession;
let effects: RunPipelineEffects;
let definition: PipelineDefinition;

before(async () => {
  if (skip) return;
  source = await createTempDatabase('freshness_src');
  await seedDemoSource({ connectionString: source.url, rows: 1_000, seed: 14 });
  mysql = await createTestDatabase('freshness');
  lake = await mkdtemp(path.join(tmpdir(), 'freshness-'));
  duckdb = await createDuckDbSession();
  effects = { storage: new LocalLakeStorage(lake), duckdb, env: { DEMO_SOURCE_URL: source.url } };
  definition = await loadDefinition('pipelines/demo/county-ops.pipeline.yaml');
});
after(async () => {
  if (skip) return;
  duckdb?.close();
  await rm(lake, { recursive: true, force: true });
  await mysql?.drop();
  await source?.drop();
});

async function runAndSync(runId: string): Promise<void> {
  const result = await runPipeline(effects, definition, { runId, tables: TABLES });
  assert.equal(result.ok, true, JSON.stringify(result.tables.map((t) => t.error?.message)));
  const syncs = await syncPipelineTables(
    { storage: effects.storage, duckdb, connect: mysql.connect },
    definition,
    {
      tables: TABLES,
    },
  );
  assert.equal(syncs[0]?.error, undefined, syncs[0]?.error?.message);
}

async function newestRun(): Promise<{ version: number; run: RunInfo }> {
  const [entry] = await readHistory(effects, 'tables/parcels', { limit: 1 });
  const run = entry?.commitInfo?.pipelineRun as RunInfo | undefined;
  assert.ok(entry && run, 'the newest commit is a pipeline run');
  return { version: entry.version, run };
}

async function stateRow(): Promise<Record<string, unknown>> {
  const [rows] = await mysql.admin.query(
    'SELECT delta_version, data_as_of, newest_change, freshness_limit_seconds FROM _lakehouse_sync_state WHERE table_name = ?',
    ['parcels'],
  );
  const row = (rows as Record<string, unknown>[])[0];
  assert.ok(row, 'the sync wrote its state row');
  return row;
}

async function status(now: Date): Promise<TableSyncStatus> {
  const [table] = await readSyncStatus({
    storage: effects.storage,
    duckdb,
    connect: mysql.connect,
    now: () => now,
  });
  assert.ok(table);
  return table;
}

/** MySQL DATETIME(6) text (UTC) as an instant. */
const fromDateTime = (text: unknown): number => Date.parse(`${String(text).replace(' ', 'T')}Z`);

/** The first run's data-as-of; after the restore below it is the current one again. */
let firstAsOf = 0;

describe('freshness through Delta and the MySQL sync', { skip: skip || false }, () => {
  it('a run records dataAsOf from the source clock at its cut, in the manifest and the commit', async () => {
    const before = Date.now();
    await runAndSync('fresh-1');
    const after = Date.now();
    const { version, run } = await newestRun();
    assert.equal(version, 0);
    assert.ok(run.dataAsOf, 'dataAsOf recorded');
    firstAsOf = Date.parse(run.dataAsOf);
    // PostgreSQL's now() on this machine: between the start of the run and its end (1 s for clock rounding).
    assert.ok(firstAsOf >= before - 1000 && firstAsOf <= after, `${run.dataAsOf} within the run`);
    const manifest = await readManifest(effects.storage, 'county_ops', 'parcels', 'fresh-1');
    assert.equal(manifest?.dataAsOf, run.dataAsOf);
    // The watermark stays the newest change: the demo's rows were last updated before the run began.
    assert.ok(run.watermark?.value && Date.parse(run.watermark.value) < firstAsOf);
  });

  it('the sync carries data-as-of, newest change and the definition limit into its state row', async () => {
    const row = await stateRow();
    const { run } = await newestRun();
    assert.equal(Number(row.delta_version), 0);
    // DATETIME(6) keeps the millisecond instant.
    assert.equal(fromDateTime(row.data_as_of), firstAsOf);
    assert.equal(row.newest_change, run.watermark?.value);
    assert.equal(Number(row.freshness_limit_seconds), LIMIT_SECONDS);
  });

  it('fresh within the limit; stale once the clock passes it, although MySQL equals Delta', async () => {
    const fresh = await status(new Date(firstAsOf + 42 * 60_000));
    assert.equal(fresh.state, 'in-sync');
    assert.equal(fresh.freshness, 'fresh');
    assert.equal(fresh.ageSeconds, 42 * 60);
    assert.equal(fresh.freshnessLimitSeconds, LIMIT_SECONDS);
    assert.equal(fresh.dataAsOf, new Date(firstAsOf).toISOString());

    const stale = await status(new Date(firstAsOf + (LIMIT_SECONDS + 1) * 1000));
    assert.equal(stale.lagVersions, 0, 'MySQL holds the latest Delta version');
    assert.equal(stale.deltaRows, stale.mysqlRows);
    assert.equal(stale.state, 'stale');
    assert.equal(stale.freshness, 'stale');
    assert.equal(stale.ageSeconds, LIMIT_SECONDS + 1);
    assert.equal(summarizeSyncState([stale]), 'stale');
    // failed > stale > lagging > in-sync
    assert.equal(summarizeSyncState([stale, { state: 'failed' }]), 'failed');
    assert.equal(summarizeSyncState([{ state: 'lagging' }, stale]), 'stale');

    const text = formatSyncPrometheus({
      state: summarizeSyncState([stale]),
      generatedAt: new Date().toISOString(),
      mysql: 'mysql://127.0.0.1:3306/test',
      tables: [stale],
    });
    assert.match(text, /^# TYPE lakehouse_sync_data_age_seconds gauge$/m);
    assert.match(
      text,
      new RegExp(`^lakehouse_sync_data_age_seconds\\{table="parcels"\\} ${LIMIT_SECONDS + 1}$`, 'm'),
    );
    assert.match(
      text,
      new RegExp(`^lakehouse_sync_freshness_limit_seconds\\{table="parcels"\\} ${LIMIT_SECONDS}$`, 'm'),
    );
    assert.match(text, /^lakehouse_sync_stale\{table="parcels"\} 1$/m);
    assert.match(
      text,
      new RegExp(
        `^lakehouse_sync_data_as_of_timestamp_seconds\\{table="parcels"\\} ${firstAsOf / 1000}$`,
        'm',
      ),
    );
    assert.match(text, /^lakehouse_sync_state\{table="parcels",state="stale"\} 1$/m);
    assert.match(text, /^lakehouse_sync_state\{table="parcels",state="in-sync"\} 0$/m);
    const freshText = formatSyncPrometheus({ state: 'in-sync', generatedAt: '', mysql: '', tables: [fresh] });
    assert.match(freshText, /^lakehouse_sync_stale\{table="parcels"\} 0$/m);
  });

  it('a quiet run (nothing changed in the source) still commits, and moves data-as-of forward', async () => {
    const { run: first } = await newestRun();
    await new Promise((resolve) => setTimeout(resolve, 20)); // PostgreSQL's now() must be able to move on
    await runAndSync('fresh-2');
    const { version, run } = await newestRun();
    assert.equal(version, 1, 'the quiet run committed a version of its own');
    const [commit] = await readHistory(effects, 'tables/parcels', { limit: 1 });
    // Only the overlap window was re-read, and none of it had changed.
    const metrics = commit?.commitInfo?.operationMetrics as Record<string, unknown> | undefined;
    // Delta writes operation metrics as strings.
    assert.equal(metrics?.numTargetRowsUpdated, '0');
    assert.equal(metrics?.numTargetRowsInserted, '0');
    assert.equal(commit?.actionCounts.add ?? 0, 0);
    assert.equal(run.watermark?.value, first.watermark?.value, 'the newest change did not move');
    assert.ok(
      run.dataAsOf && Date.parse(run.dataAsOf) > firstAsOf,
      `${run.dataAsOf} after ${first.dataAsOf}`,
    );
    const row = await stateRow();
    assert.equal(Number(row.delta_version), 1);
    assert.equal(fromDateTime(row.data_as_of), Date.parse(run.dataAsOf));
    assert.equal(row.newest_change, first.watermark?.value);
    // So a table whose watermark stands still is fresh as long as the runs go on.
    const now = new Date(Date.parse(run.dataAsOf) + 60_000);
    assert.equal((await status(now)).freshness, 'fresh');
    // The CLI's status says it in one line too.
    const cli = await captureCli((io) =>
      runSyncCli(['status'], io, { LAKE_ROOT: lake, MYSQL_URL: mysql.url }),
    );
    assert.equal(cli.code, 0, cli.err);
    assert.match(
      cli.out,
      /^ {2}parcels — fresh, data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC \((\d+s|\d+m( \d+s)?) ago, limit 2h\)$/m,
    );
  });

  it('a sync by hand (no limit given) keeps the recorded limit; a restore syncs the restored version as-of', async () => {
    await restore(effects, 'tables/parcels', { version: 0 });
    const result = await syncTable(
      { storage: effects.storage, duckdb, connect: mysql.connect },
      { tableRoot: 'tables/parcels', mysqlTable: 'parcels', keyColumns: ['parcel_id'] },
    );
    assert.equal(result.version, 2);
    const row = await stateRow();
    assert.equal(Number(row.freshness_limit_seconds), LIMIT_SECONDS);
    // Version 2 is a RESTORE to version 0: MySQL now holds the first run's data, as of the first run's read.
    assert.equal(fromDateTime(row.data_as_of), firstAsOf);
  });
});

describe('a sync state table made before freshness', { skip: skip || false }, () => {
  it('gets the new columns once, however often a sync starts (idempotent)', async () => {
    const old = await createTestDatabase('freshness_old');
    try {
      // The state table as issue 5 created it (delta_table_id came later too).
      await old.admin.query(`CREATE TABLE _lakehouse_sync_state (
        table_name VARCHAR(64) NOT NULL, delta_table_root VARCHAR(1024) NOT NULL, key_columns TEXT NOT NULL,
        column_types MEDIUMTEXT NULL, delta_version BIGINT NULL, pending_version BIGINT NULL,
        status VARCHAR(16) NOT NULL, mode VARCHAR(16) NULL, started_at DATETIME(6) NULL, synced_at DATETIME(6) NULL,
        rows_upserted BIGINT NOT NULL DEFAULT 0, rows_deleted BIGINT NOT NULL DEFAULT 0, duration_ms BIGINT NULL,
        error_code VARCHAR(64) NULL, error TEXT NULL, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (table_name))`);
      const options = { tableRoot: 'tables/parcels', mysqlTable: 'parcels', keyColumns: ['parcel_id'] };
      const sync = { storage: effects.storage, duckdb, connect: old.connect };
      await syncTable(sync, { ...options, freshnessLimitSeconds: 5400 });
      await syncTable(sync, options);
      const [columns] = await old.admin.query(
        `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_lakehouse_sync_state' ORDER BY ORDINAL_POSITION`,
      );
      const names = (columns as { name: string }[]).map((column) => column.name);
      for (const name of ['delta_table_id', 'data_as_of', 'newest_change', 'freshness_limit_seconds']) {
        assert.equal(
          names.filter((column) => column === name).length,
          1,
          `${name} once in ${names.join(', ')}`,
        );
      }
      const [rows] = await old.admin.query(
        'SELECT data_as_of, freshness_limit_seconds FROM _lakehouse_sync_state',
      );
      const row = (rows as Record<string, unknown>[])[0];
      assert.equal(fromDateTime(row?.data_as_of), firstAsOf);
      assert.equal(Number(row?.freshness_limit_seconds), 5400);
    } finally {
      await old.drop();
    }
  });
});

describe('a source that cannot tell its clock', { skip: skip || false }, () => {
  it("uses the worker's clock from before the session opened", async () => {
    const postgres = new PostgresSource(source.url);
    // The same cut, without the source's time (a driver or privilege that cannot read it).
    const blind: Source = {
      kind: 'postgres',
      openSession: async (options) => {
        const session = await postgres.openSession(options);
        return {
          position: session.position,
          describeTable: (table) => session.describeTable(table),
          readRows: (request) => session.readRows(request),
          close: () => session.close(),
        };
      },
    };
    const opened = Date.parse('2026-12-04T10:00:00.000Z');
    const storage = new LocalLakeStorage(path.join(lake, 'blind'));
    const result = await runPipeline(
      { storage, duckdb, env: effects.env, openSource: () => blind, clock: () => opened },
      definition,
      { runId: 'blind-1', tables: TABLES },
    );
    assert.equal(result.ok, true);
    assert.equal(result.tables[0]?.apply?.runInfo.dataAsOf, '2026-12-04T10:00:00.000Z');
  });
});
