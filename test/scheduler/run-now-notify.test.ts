// "Run now" from the web process starts at once: the web's Agenda is never started, so it must connect its
// notification channel (PostgreSQL LISTEN/NOTIFY) to tell the worker; otherwise the run waits for the worker's next
// poll. The worker here polls every 20 s, so a run that starts within a few seconds was woken by the notice.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSchedule, runScheduleNow, type SchedulerContext } from '../../server/scheduler/schedules';
import { startWorker, type RunningWorker } from '../../server/scheduler/start-worker';
import { openControlTestDb, type ControlTestDb } from './control-test-db';

let control: ControlTestDb;
let web: SchedulerContext;
let worker: RunningWorker;
const started: number[] = [];

before(async () => {
  // The web side connects its notification channel, as server/api/control-plane.ts does.
  control = await openControlTestDb('run_now_notify', { notifications: true });
  web = control.web;
  worker = await startWorker({
    controlDbUrl: control.db.url,
    store: control.store,
    name: 'slow-polling-worker',
    processEvery: '20 seconds',
    // Agenda re-checks a running job's lock every max(processEvery, lock lifetime) / 2; keep that short.
    jobOptions: { agendaLockLifetimeMs: 2_000 },
    log: () => undefined,
    // A test runner that only notes when it started: this test is about when the worker hears of the job.
    runners: { runPipeline: async () => void started.push(Date.now()) },
  });
});
after(async () => {
  await worker.stop(5_000);
  await control.close();
});

test('a manual run queued by a never-started Agenda starts within seconds, not at the next poll', async () => {
  await createSchedule(web, {
    name: 'nightly',
    jobType: 'pipeline.run',
    target: 'nightly',
    cron: '0 3 * * *',
  });
  // Let the worker's first poll (at start) pass, so only a notification can wake it before the next one.
  await sleep(1_000);
  const queuedAt = Date.now();
  await runScheduleNow(web, 'nightly');
  const deadline = queuedAt + 10_000;
  while (started.length === 0 && Date.now() < deadline) await sleep(50);
  assert.equal(started.length, 1, 'the run started before the worker polled again (20 s after its start)');
  assert.ok((started[0] ?? Infinity) - queuedAt < 10_000);
});
