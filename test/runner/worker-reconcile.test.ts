// The worker runs pipeline.reconcile with the real runners: worker start schedules `county-ops.reconcile`
// (weekly); an admin's reconcile (queueReconcile, what POST /api/pipelines/<name>/reconcile calls) runs through
// Agenda under the pipeline's lock and records its figures; with a difference in the source a compare-only run
// fails with the keys in its log, and the repair flag reaches the runner through the one-off job, so a run with
// repair fixes Delta and MySQL and succeeds.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAgenda } from '../../server/scheduler/create-agenda';
import {
  getSchedule,
  queueReconcile,
  runScheduleNow,
  type SchedulerContext,
} from '../../server/scheduler/schedules';
import type { RunningWorker } from '../../server/scheduler/start-worker';
import type { RunRecord } from '../../server/store/types';
import { queryRows, withClient } from '../support/postgres';
import { openWebScheduler } from '../scheduler/control-test-db';
import { mysqlSkipReason, openRunnerServices, startRealWorker, type RunnerServices } from './services';

const skip = await mysqlSkipReason();
let services: RunnerServices;
let web: SchedulerContext;
let worker: RunningWorker;
const logs: string[] = [];

before(async () => {
  if (skip) return;
  services = await openRunnerServices('wkrecon', 1_000);
  web = await openWebScheduler(services.control.url, services.store);
  worker = await startRealWorker(services, `reconcile-worker:${process.pid}`, (line) => logs.push(line));
});
after(async () => {
  if (skip) return;
  await worker?.stop(10_000);
  await closeAgenda(web.agenda, false);
  await services.close();
});

/** Waits for the next finished run of the target's job type after `start` queued it. */
async function finished(jobType: string, start: () => Promise<unknown>): Promise<RunRecord> {
  const seen = new Set((await services.store.listRuns({ pipeline: 'county-ops' })).map((r) => r.id));
  await start();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const run = (await services.store.listRuns({ pipeline: 'county-ops', jobType })).find(
      (r) => !seen.has(r.id),
    );
    if (run && run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`no finished ${jobType} run; log:\n${logs.join('\n')}`);
    await sleep(50);
  }
}

describe('the worker runs reconcile', { skip: skip ?? false }, () => {
  it('schedules it weekly, compares, fails on a difference, and repairs when asked', async () => {
    const schedule = await getSchedule(web, 'county-ops.reconcile');
    assert.equal(schedule.jobType, 'pipeline.reconcile');
    assert.equal(schedule.cron, '30 4 * * 0');

    const load = await finished('pipeline.run', () => runScheduleNow(web, 'county-ops'));
    assert.equal(load.status, 'succeeded', load.error?.message);

    const clean = await finished('pipeline.reconcile', () =>
      queueReconcile(web, 'county-ops', { repair: false }),
    );
    assert.equal(clean.status, 'succeeded', clean.error?.message);
    assert.equal(clean.trigger, 'manual');
    assert.equal(clean.progress.stage, 'done');
    assert.equal(clean.progress['parcels.differingKeys'], 0);
    assert.equal(clean.progress['parcels.sourceRows'], clean.progress['parcels.deltaRows']);

    const [parcel] = await queryRows<{ id: string }>(
      services.source.url,
      'SELECT min(parcel_id)::text AS id FROM parcels',
    );
    await withClient(services.source.url, (client) =>
      client.query(`UPDATE parcels SET owner_name = 'Reconciled Owner' WHERE parcel_id = ${parcel?.id}`),
    );
    const broken = await finished('pipeline.reconcile', () =>
      queueReconcile(web, 'county-ops', { repair: false }),
    );
    assert.equal(broken.status, 'failed');
    assert.match(broken.error?.message ?? '', /parcels 1 keys/);
    assert.equal(broken.progress['parcels.different'], 1);
    const brokenLog = await services.store.listLogs(broken.id, 500);
    assert.ok(brokenLog.some((line) => line.message === `parcels: different ${parcel?.id}`));

    const repaired = await finished('pipeline.reconcile', () =>
      queueReconcile(web, 'county-ops', { repair: true }),
    );
    assert.equal(repaired.status, 'succeeded', repaired.error?.message);
    assert.equal(typeof repaired.progress['parcels.repairedVersion'], 'number');
    const [rows] = await services.mysql.admin.query(
      `SELECT owner_name FROM parcels WHERE parcel_id = ${parcel?.id}`,
    );
    assert.equal(
      (rows as { owner_name: string }[])[0]?.owner_name,
      'Reconciled Owner',
      'MySQL followed the repair',
    );
  });
});
