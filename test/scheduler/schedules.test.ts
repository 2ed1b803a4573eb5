// Schedule operations against real Agenda on PostgreSQL: create, list (cron, words, next 5 runs in the
// time zone), edit with cron validation, pause, resume, delete, and persistence across a restart.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Agenda } from 'agenda';
import { closeAgenda, createAgenda } from '../../server/scheduler/create-agenda';
import {
  createSchedule,
  deleteSchedule,
  ensureSchedules,
  getSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  runScheduleNow,
  updateSchedule,
  type SchedulerContext,
} from '../../server/scheduler/schedules';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

let db: TempDatabase;
let store: PostgresControlStore;
let agenda: Agenda;
let ctx: SchedulerContext;
const now = new Date('2026-11-24T08:30:00Z');

function open(): SchedulerContext {
  agenda = createAgenda({ controlDbUrl: db.url, name: 'web-test' });
  return { agenda, store, timezone: 'UTC', now: () => now };
}

before(async () => {
  db = await createTempDatabase('schedules');
  store = new PostgresControlStore(db.url);
  await store.init();
  ctx = open();
  await agenda.ready;
});
after(async () => {
  await closeAgenda(agenda, false);
  await store.close();
  await db.drop();
});

describe('schedules', () => {
  it('creates and lists with cron, description, next 5 runs and no last run', async () => {
    await createSchedule(ctx, {
      name: 'permits-hourly',
      jobType: 'pipeline.run',
      target: 'permits',
      cron: '0 * * * *',
    });
    const [s] = await listSchedules(ctx);
    assert.equal(s?.name, 'permits-hourly');
    assert.equal(s?.cron, '0 * * * *');
    assert.equal(s?.description, 'Every hour');
    assert.equal(s?.timezone, 'UTC');
    assert.equal(s?.paused, false);
    assert.deepEqual(s?.nextRuns.slice(0, 2), ['2026-11-24T09:00:00.000Z', '2026-11-24T10:00:00.000Z']);
    assert.equal(s?.nextRuns.length, 5);
    assert.equal(s?.lastRun, null);
    assert.equal(s?.activeRunId, null);
  });

  it("shows each schedule's own last run, also when a pipeline's maintenance shares its name", async () => {
    await createSchedule(ctx, {
      name: 'permits-maintenance',
      jobType: 'delta.maintenance',
      target: 'permits',
      cron: '30 3 * * *',
    });
    const t = (minutes: number) => new Date(now.getTime() - 86_400_000 + minutes * 60_000);
    const maintenance = await store.createRun({
      pipeline: 'permits',
      jobType: 'delta.maintenance',
      trigger: 'schedule',
      startedAt: t(0),
    });
    await store.finishRun(maintenance.id, { status: 'succeeded', now: t(1) });
    // A day of hourly pipeline runs after it: more than a page of the target's recent runs.
    let latest = maintenance;
    for (let hour = 1; hour <= 25; hour += 1) {
      latest = await store.createRun({
        pipeline: 'permits',
        jobType: 'pipeline.run',
        trigger: 'schedule',
        startedAt: t(hour * 60),
      });
      await store.finishRun(latest.id, {
        status: hour === 25 ? 'failed' : 'succeeded',
        now: t(hour * 60 + 1),
      });
    }
    const hourly = await getSchedule(ctx, 'permits-hourly');
    assert.equal(hourly.lastRun?.id, latest.id);
    assert.equal(hourly.lastRun?.status, 'failed');
    const daily = await getSchedule(ctx, 'permits-maintenance');
    assert.equal(daily.lastRun?.id, maintenance.id);
    assert.equal(daily.lastRun?.status, 'succeeded');
    await deleteSchedule(ctx, 'permits-maintenance');
  });

  it('refuses an invalid cron, an unknown time zone and a duplicate name', async () => {
    await assert.rejects(
      createSchedule(ctx, { name: 'bad', jobType: 'sync.run', target: 'x', cron: '61 * * * *' }),
      { code: 'INVALID_INPUT' },
    );
    await assert.rejects(updateSchedule(ctx, 'permits-hourly', { cron: 'hourly' }), {
      code: 'INVALID_INPUT',
    });
    await assert.rejects(updateSchedule(ctx, 'permits-hourly', { timezone: 'Nowhere/City' }), {
      code: 'INVALID_INPUT',
    });
    await assert.rejects(
      createSchedule(ctx, {
        name: 'permits-hourly',
        jobType: 'pipeline.run',
        target: 'permits',
        cron: '0 * * * *',
      }),
      { code: 'CONFLICT' },
    );
    await assert.rejects(getSchedule(ctx, 'nope'), { code: 'NOT_FOUND' });
  });

  it('edits the cron and time zone, pauses and resumes', async () => {
    const edited = await updateSchedule(ctx, 'permits-hourly', {
      cron: '0 6 * * *',
      timezone: 'America/Chicago',
    });
    assert.equal(edited.cron, '0 6 * * *');
    assert.equal(edited.nextRuns[0], '2026-11-24T12:00:00.000Z', '06:00 in Chicago');
    const paused = await pauseSchedule(ctx, 'permits-hourly');
    assert.equal(paused.paused, true);
    assert.deepEqual(paused.nextRuns, []);
    assert.equal(
      (await updateSchedule(ctx, 'permits-hourly', { cron: '0 7 * * *' })).paused,
      true,
      'an edit keeps it paused',
    );
    assert.equal((await resumeSchedule(ctx, 'permits-hourly')).paused, false);
    await pauseSchedule(ctx, 'permits-hourly');
  });

  it("keeps admins' changes across a restart, and ensureSchedules does not overwrite them", async () => {
    await closeAgenda(agenda, false);
    ctx = open();
    await agenda.ready;
    const created = await ensureSchedules(ctx, [
      { name: 'permits-hourly', jobType: 'pipeline.run', target: 'permits', cron: '0 * * * *' },
      { name: 'parcels-hourly', jobType: 'pipeline.run', target: 'parcels', cron: '0 * * * *' },
    ]);
    assert.deepEqual(created, ['parcels-hourly']);
    const s = await getSchedule(ctx, 'permits-hourly');
    assert.equal(s.cron, '0 7 * * *');
    assert.equal(s.timezone, 'America/Chicago');
    assert.equal(s.paused, true);
    assert.equal((await listSchedules(ctx)).length, 2);
  });

  it('queues a manual run once: a second request while one is queued is refused', async () => {
    assert.deepEqual(await runScheduleNow(ctx, 'parcels-hourly'), { queued: true, target: 'parcels' });
    await assert.rejects(runScheduleNow(ctx, 'parcels-hourly'), {
      code: 'CONFLICT',
      message: /already queued/,
    });
  });

  it('deletes', async () => {
    await deleteSchedule(ctx, 'parcels-hourly');
    await assert.rejects(getSchedule(ctx, 'parcels-hourly'), { code: 'NOT_FOUND' });
    assert.deepEqual(
      (await listSchedules(ctx)).map((s) => s.name),
      ['permits-hourly'],
    );
    await assert.rejects(deleteSchedule(ctx, 'parcels-hourly'), { code: 'NOT_FOUND' });
  });
});
