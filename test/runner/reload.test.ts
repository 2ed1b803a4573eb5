// Reloads through the real worker process (server/worker.ts, spawned) on the real services: a PostgreSQL demo
// source, a PostgreSQL control database, MariaDB. A full reload of one table is a run with a record, progress and
// lineage that holds the pipeline's lock (a second request meanwhile is refused) and is followed by the sync; a
// time-range re-extract fixes rows changed in the source inside the range, and only those, in a pipelineRepair
// commit that leaves the table's watermark and run sequence alone; bad requests are refused and queue nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTableState } from '../../pipelines/cdc/read-table-state';
import { loadSnapshot, readSnapshotRows } from '../../pipelines/delta/index';
import { readHistory } from '../../pipelines/delta/history';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { closeAgenda } from '../../server/scheduler/create-agenda';
import { queueReload } from '../../server/scheduler/reload';
import { runScheduleNow, type SchedulerContext } from '../../server/scheduler/schedules';
import type { RunRecord } from '../../server/store/types';
import { queryRows } from '../support/postgres';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { openWebScheduler } from '../scheduler/control-test-db';
import { mysqlSkipReason, openRunnerServices, type RunnerServices } from './services';

const skip = await mysqlSkipReason();
const DIR = './pipelines/demo';
let services: RunnerServices;
let web: SchedulerContext;
let worker: WorkerProcess;

before(async () => {
  if (skip) return;
  services = await openRunnerServices('reload', 1_000);
  worker = startWorkerProcess({
    CONTROL_DB_URL: services.control.url,
    LAKE_ROOT: services.lake,
    MYSQL_URL: services.mysql.url,
    DEMO_SOURCE_URL: services.source.url,
    PIPELINES_DIR: DIR,
  });
  await worker.waitFor(/\[worker\].* ready;/, 60_000);
  web = await openWebScheduler(services.control.url, services.store, { notifications: true });
});
after(async () => {
  if (skip) return;
  if (worker.child.exitCode === null) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await closeAgenda(web.agenda, false);
  await services.close();
});

/** The first run of county-ops not in `seen` to finish, watched while it runs (calls `whileRunning` once). */
async function finishedRun(seen: Set<string>, whileRunning?: () => Promise<void>): Promise<RunRecord> {
  const deadline = Date.now() + 180_000;
  let called = false;
  for (;;) {
    const run = (await services.store.listRuns({ pipeline: 'county-ops' })).find((r) => !seen.has(r.id));
    if (run?.status === 'running' && whileRunning && !called) {
      called = true;
      await whileRunning();
    }
    if (run && run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`no finished run; worker output:\n${worker.output()}`);
    await sleep(50);
  }
}

const runIds = async () =>
  new Set((await services.store.listRuns({ pipeline: 'county-ops' })).map((r) => r.id));

async function deltaOwners(ids: string[]): Promise<Map<string, string>> {
  const duckdb = await createDuckDbSession();
  try {
    const effects = { storage: services.storage, duckdb };
    const rows = await readSnapshotRows(effects, await loadSnapshot(effects, 'tables/parcels'), {
      columns: ['parcel_id', 'owner_name'],
    });
    return new Map(
      rows
        .filter((r) => ids.includes(String(r.parcel_id)))
        .map((r) => [String(r.parcel_id), String(r.owner_name)]),
    );
  } finally {
    duckdb.close();
  }
}

async function mysqlOwners(ids: string[]): Promise<Map<string, string>> {
  const [rows] = await services.mysql.admin.query(
    `SELECT parcel_id, owner_name FROM parcels WHERE parcel_id IN (${ids.map(Number).join(',')})`,
  );
  return new Map(
    (rows as { parcel_id: number; owner_name: string }[]).map((r) => [String(r.parcel_id), r.owner_name]),
  );
}

async function parcelsState() {
  const duckdb = await createDuckDbSession();
  try {
    const effects = { storage: services.storage, duckdb };
    const state = await readTableState(effects, 'county-ops', 'parcels', 'tables/parcels');
    const [last] = await readHistory(effects, 'tables/parcels', { limit: 1 });
    return { state, last };
  } finally {
    duckdb.close();
  }
}

describe('reloads through the worker process', { skip: skip ?? false }, () => {
  it('a full reload of one table is a locked run with a record, progress and lineage, and the sync follows', async () => {
    let seen = await runIds();
    await runScheduleNow(web, 'county-ops');
    const first = await finishedRun(seen);
    assert.equal(first.status, 'succeeded', first.error?.message);

    // A change the watermark cannot see (updated_at kept): only a reload brings it over.
    const [row] = await queryRows<{ id: string }>(
      services.source.url,
      'SELECT parcel_id::text AS id FROM parcels ORDER BY parcel_id LIMIT 1',
    );
    const id = row!.id;
    await queryRows(
      services.source.url,
      `UPDATE parcels SET owner_name = 'RELOADED OWNER' WHERE parcel_id = ${id}`,
    );

    seen = await runIds();
    const queued = await queueReload(web, DIR, { pipeline: 'county-ops', table: 'parcels' });
    assert.deepEqual(queued.options, { tables: ['parcels'], full: true });
    let refusal: unknown;
    const run = await finishedRun(seen, async () => {
      // The reload holds the pipeline's lock: another request meanwhile is refused.
      refusal = await queueReload(web, DIR, { pipeline: 'county-ops', table: 'inspections' }).catch(
        (e: unknown) => e,
      );
      await runScheduleNow(web, 'county-ops').catch(() => undefined);
    });
    assert.match(String((refusal as Error | undefined)?.message), /already running/);
    assert.equal((refusal as { code?: string }).code, 'CONFLICT');
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.equal(run.trigger, 'manual');
    const [sourceCount] = await queryRows<{ n: string }>(
      services.source.url,
      'SELECT count(*) AS n FROM parcels',
    );
    assert.equal(run.progress.request, 'full');
    assert.equal(run.progress.requestTables, 'parcels');
    assert.equal(run.progress['parcels.rowsExtracted'], Number(sourceCount?.n), 'every row re-read');
    assert.equal(run.progress['inspections.rowsExtracted'], undefined, 'only the table asked for');
    assert.equal(run.progress.stage, 'done');
    const logs = await services.store.listLogs(run.id);
    assert.ok(logs.some((l) => /full reload of parcels requested/.test(l.message)));

    const { state, last } = await parcelsState();
    assert.equal(state.lastRun?.mode, 'full');
    assert.equal(last?.commitInfo?.operation, 'WRITE');
    assert.equal((await deltaOwners([id])).get(id), 'RELOADED OWNER');
    assert.equal((await mysqlOwners([id])).get(id), 'RELOADED OWNER', 'the sync followed');

    const events = await services.store.listLineageEvents({ runId: run.id });
    assert.deepEqual(
      events.map((e) => e.eventType),
      ['START', 'COMPLETE'],
    );
    assert.ok(events[1]?.outputs.some((o) => o.name === `${services.lake}/tables/parcels`));
    // The run that the lock refused was recorded as such (a manual run queued by runScheduleNow, if it got in).
    const others = (await services.store.listRuns({ pipeline: 'county-ops' })).filter(
      (r) => !seen.has(r.id) && r.id !== run.id,
    );
    for (const other of others) assert.notEqual(other.status, 'running');
  });

  it('a time-range re-extract fixes the rows changed inside the range only, and keeps the watermark', async () => {
    // Two parcels whose changes the watermark hides: one inside the range, one outside.
    const rows = await queryRows<{ id: string; at: string }>(
      services.source.url,
      `SELECT parcel_id::text AS id, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
       FROM parcels ORDER BY updated_at, parcel_id`,
    );
    const inside = rows[Math.floor(rows.length / 3)]!;
    const outside = rows.find((r) => Date.parse(r.at) > Date.parse(inside.at) + 10_000)!;
    assert.ok(outside, 'a parcel updated well after the range');
    const from = new Date(Date.parse(inside.at) - 1_000).toISOString();
    const to = new Date(Date.parse(inside.at) + 1_000).toISOString();
    await queryRows(
      services.source.url,
      `UPDATE parcels SET owner_name = 'FIXED ' || parcel_id WHERE parcel_id IN (${inside.id}, ${outside.id})`,
    );
    const before = await parcelsState();

    const seen = await runIds();
    const queued = await queueReload(web, DIR, { pipeline: 'county-ops', table: 'parcels', from, to });
    assert.deepEqual(queued.options, { range: { table: 'parcels', from, to } });
    const run = await finishedRun(seen);
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.equal(run.progress.request, 'range');
    assert.equal(run.progress.rangeFrom, from);
    const inRange = rows.filter(
      (r) => Date.parse(r.at) >= Date.parse(from) && Date.parse(r.at) < Date.parse(to),
    );
    assert.equal(run.progress['parcels.rowsExtracted'], inRange.length, 'rows with updated_at in [from, to)');
    assert.equal(run.progress['parcels.repairedRows'], inRange.length);

    const delta = await deltaOwners([inside.id, outside.id]);
    assert.equal(delta.get(inside.id), `FIXED ${inside.id}`, 'the row inside the range is fixed');
    assert.notEqual(delta.get(outside.id), `FIXED ${outside.id}`, 'the row outside is not read');
    const mysql = await mysqlOwners([inside.id, outside.id]);
    assert.equal(mysql.get(inside.id), `FIXED ${inside.id}`, 'the sync followed the repair');

    const afterRepair = await parcelsState();
    assert.deepEqual(afterRepair.state.lastRun, before.state.lastRun, 'watermark and run info unchanged');
    assert.equal(afterRepair.state.lastRunSequence, before.state.lastRunSequence);
    assert.equal(afterRepair.state.version, (before.state.version ?? 0) + 1, 'one commit');
    assert.deepEqual(afterRepair.last?.commitInfo?.pipelineRepair, {
      pipeline: 'county-ops',
      table: 'parcels',
      runId: run.id,
      reason: 'range',
      rows: inRange.length,
    });
    assert.equal(afterRepair.last?.commitInfo?.pipelineRun, undefined);
    const duckdb = await createDuckDbSession();
    try {
      const snapshot = await loadSnapshot({ storage: services.storage, duckdb }, 'tables/parcels');
      assert.equal(snapshot.txns.get('county-ops/parcels/repair')?.version, 1);
    } finally {
      duckdb.close();
    }
  });

  it('bad requests are refused with a clear message and queue nothing', async () => {
    const seen = await runIds();
    const { jobs: before } = await web.agenda.queryJobs({ names: ['pipeline.run'] });
    const cases: [unknown, RegExp][] = [
      [
        { pipeline: 'county-ops', table: 'parcels', from: '2026-02-01', to: '2026-01-01' },
        /must come before to/,
      ],
      [
        { pipeline: 'county-ops', table: 'parcels', from: '2026-01-01', to: '2026-01-01' },
        /must come before to/,
      ],
      [
        { pipeline: 'county-ops', table: 'parcels', from: 'yesterday', to: '2026-01-01' },
        /not a date or timestamp/,
      ],
      [{ pipeline: 'county-ops', table: 'parcels', from: '2026-01-01' }, /both from and to/],
      [{ pipeline: 'county-ops', table: 'nope' }, /has no table nope/],
      [{ pipeline: 'nowhere', table: 'parcels' }, /nowhere/],
      [{ pipeline: '../etc', table: 'parcels' }, /pipeline name/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(queueReload(web, DIR, input), (error: Error & { code?: string }) => {
        assert.match(error.message, message);
        assert.ok(['INVALID_INPUT', 'NOT_FOUND'].includes(String(error.code)), String(error.code));
        return true;
      });
    }
    const { jobs: afterJobs } = await web.agenda.queryJobs({ names: ['pipeline.run'] });
    assert.equal(afterJobs.length, before.length, 'no job queued');
    await sleep(500);
    assert.deepEqual(await runIds(), seen, 'no run started');
  });
});
