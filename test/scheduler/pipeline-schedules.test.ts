// Schedules from pipeline definitions, with real Agenda on PostgreSQL: worker start creates `<pipeline>` and
// `<pipeline>.maintenance` for every good definition in the folder (a bad one is logged with its file and does
// not stop the others); an admin's edit survives a worker restart; after hours of downtime an hourly schedule
// gets exactly one catch-up run, not one per missed hour.

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRunners } from '../../server/scheduler/runner-types';
import {
  createSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
  type SchedulerContext,
} from '../../server/scheduler/schedules';
import { startWorker } from '../../server/scheduler/start-worker';
import type { PostgresControlStore } from '../../server/store/postgres-control-store';
import { withClient, type TempDatabase } from '../support/postgres';
import { openControlTestDb, type ControlTestDb } from './control-test-db';

const root = path.resolve(import.meta.dirname, '..', '..');
let db: TempDatabase;
let store: PostgresControlStore;
let web: SchedulerContext;
let control: ControlTestDb;
let dir: string;

before(async () => {
  control = await openControlTestDb('pipeline_schedules');
  ({ db, store, web } = control);
  dir = await mkdtemp(path.join(tmpdir(), 'pipelines-dir-'));
  await copyFile(
    path.join(root, 'pipelines/demo/county-ops.pipeline.yaml'),
    path.join(dir, 'county-ops.pipeline.yaml'),
  );
  // A second pipeline without a time zone (SCHEDULE_TIMEZONE applies), every six hours, reconciled on Saturdays.
  const demo = await readFile(path.join(root, 'pipelines/demo/county-ops.pipeline.yaml'), 'utf8');
  await writeFile(
    path.join(dir, 'other-ops.pipeline.yaml'),
    demo
      .replace('name: county-ops', 'name: other-ops')
      .replace("cron: '0 * * * *'", "cron: '0 */6 * * *'\n  reconcile: '0 5 * * 6'")
      .replace('  timeZone: America/Los_Angeles\n', ''),
  );
  await writeFile(path.join(dir, 'broken.pipeline.yaml'), 'name: broken\ntables: []\n');
});
after(async () => {
  await control.close();
  await rm(dir, { recursive: true, force: true });
});

async function withWorker(
  options: { runners?: Partial<JobRunners>; pipelines?: boolean },
  body: (logs: string[], scheduled: Awaited<ReturnType<typeof startWorker>>['scheduled']) => Promise<void>,
) {
  const logs: string[] = [];
  const worker = await startWorker({
    controlDbUrl: db.url,
    store,
    name: `schedules-worker:${process.pid}`,
    runners: options.runners ?? {},
    ...(options.pipelines === false ? {} : { pipelines: { dir, timezone: 'America/Chicago' } }),
    processEvery: 100,
    log: (line) => logs.push(line),
    jobOptions: { lockTtlMs: 1000, agendaLockLifetimeMs: 2000 },
  });
  try {
    await body(logs, worker.scheduled);
  } finally {
    await worker.stop(5_000);
  }
}

describe('schedules from pipeline definitions', () => {
  it('worker start schedules every good definition and names the bad file', async () => {
    await withWorker({}, async (logs, scheduled) => {
      assert.deepEqual(scheduled?.pipelines, ['county-ops', 'other-ops']);
      assert.equal(scheduled?.failures.length, 1);
      assert.equal(scheduled?.failures[0]?.file, path.join(dir, 'broken.pipeline.yaml'));
      assert.ok(
        logs.some((l) => l.includes('broken.pipeline.yaml') && /not scheduled: .*source/.test(l)),
        logs.join('\n'),
      );
    });
    const views = await listSchedules(web);
    const brief = views.map((v) => [v.name, v.jobType, v.target, v.cron, v.timezone]);
    assert.deepEqual(brief, [
      ['county-ops', 'pipeline.run', 'county-ops', '0 * * * *', 'America/Los_Angeles'],
      ['county-ops.maintenance', 'delta.maintenance', 'county-ops', '30 3 * * *', 'America/Los_Angeles'],
      ['county-ops.reconcile', 'pipeline.reconcile', 'county-ops', '30 4 * * 0', 'America/Los_Angeles'],
      ['other-ops', 'pipeline.run', 'other-ops', '0 */6 * * *', 'America/Chicago'],
      ['other-ops.maintenance', 'delta.maintenance', 'other-ops', '30 3 * * *', 'America/Chicago'],
      ['other-ops.reconcile', 'pipeline.reconcile', 'other-ops', '0 5 * * 6', 'America/Chicago'],
    ]);
  });

  it("an admin's edit survives a worker restart", async () => {
    await updateSchedule(web, 'county-ops', { cron: '15 */2 * * *', timezone: 'UTC' });
    await updateSchedule(web, 'other-ops.maintenance', { paused: true });
    await withWorker({}, async (_logs, scheduled) => {
      assert.deepEqual(scheduled?.created, [], 'nothing re-created');
    });
    const edited = await getSchedule(web, 'county-ops');
    assert.equal(edited.cron, '15 */2 * * *');
    assert.equal(edited.timezone, 'UTC');
    assert.equal((await getSchedule(web, 'other-ops.maintenance')).paused, true);
    assert.equal((await listSchedules(web)).length, 6, 'no duplicates');
  });

  it('after hours of downtime an hourly schedule runs once to catch up, not once per missed hour', async () => {
    await createSchedule(web, {
      name: 'catch-up',
      jobType: 'sync.run',
      target: 'catch-up',
      cron: '0 * * * *',
    });
    // The worker was down for five hours: the job was due five hours ago and last ran an hour before that.
    const now = Date.now();
    await withClient(db.url, (client) =>
      client.query(
        `UPDATE agenda_jobs SET next_run_at = $1, last_run_at = $2, last_finished_at = $2
         WHERE data->>'scheduleName' = 'catch-up'`,
        [new Date(now - 5 * 3_600_000), new Date(now - 6 * 3_600_000)],
      ),
    );
    let calls = 0;
    await withWorker(
      {
        pipelines: false,
        runners: {
          runSync: async () => {
            calls += 1;
          },
        },
      },
      async () => {
        const deadline = Date.now() + 15_000;
        while (calls === 0 && Date.now() < deadline) await sleep(100);
        // Several polling intervals more: a burst would show up here.
        await sleep(2_000);
      },
    );
    assert.equal(calls, 1);
    const runs = await store.listRuns({ pipeline: 'catch-up' });
    assert.deepEqual(
      runs.map((r) => [r.trigger, r.status]),
      [['schedule', 'succeeded']],
    );
    // The run stands for the hour it was scheduled in (the latest occurrence at or before its start), in its
    // record and as the nominalTime of its lineage events.
    // (A second of slack: a start at 19:59:59.5 may stand for 20:00.)
    const hour = runs[0]?.scheduledFor;
    assert.ok(hour, 'a scheduled run records the time it was scheduled for');
    const started = runs[0]!.startedAt.getTime();
    assert.equal(hour.getTime() % 3_600_000, 0, `${hour.toISOString()} is on the hour`);
    assert.ok(hour.getTime() <= started + 1000 && hour.getTime() > started - 3_600_000, hour.toISOString());
    const events = await store.listLineageEvents({ runId: runs[0]!.id });
    assert.deepEqual(
      events.map((e) => [e.eventType, e.run.facets?.nominalTime?.nominalStartTime]),
      [
        ['START', hour.toISOString()],
        ['COMPLETE', hour.toISOString()],
      ],
    );
    const next = new Date((await getSchedule(web, 'catch-up')).nextRuns[0] ?? 0);
    assert.ok(next.getTime() > now, 'the next run is in the future again');
    const [job] = (await web.agenda.queryJobs({ names: ['sync.run'], data: { scheduleName: 'catch-up' } }))
      .jobs;
    assert.ok(job?.nextRunAt && new Date(job.nextRunAt).getTime() > now, 'Agenda moved nextRunAt forward');
  });
});
