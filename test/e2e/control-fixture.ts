// Fills a temporary control database the way the worker does, through the real store and a real Agenda:
// schedules (createSchedule), runs with per-stage progress, logs and errors, a running run holding its lock,
// and the OpenLineage events of a source → raw → Delta → MySQL chain. The e2e tests then read it through
// the built app.

import type { Agenda } from 'agenda';
import {
  buildCompleteEvent,
  buildFailEvent,
  buildStartEvent,
  type RunDescription,
} from '../../pipelines/lineage';
import { closeAgenda, createAgenda } from '../../server/scheduler/create-agenda';
import { lockKeyFor } from '../../server/scheduler/execute-run';
import { createSchedule, type SchedulerContext } from '../../server/scheduler/schedules';
import type { ControlStore } from '../../server/store/control-store';
import { openControlStore } from '../../server/store/open-control-store';
import type { RunRecord } from '../../server/store/types';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

export const datasets = {
  source: { namespace: 'postgres://127.0.0.1:5432', name: 'county_ops.public.permits' },
  raw: { namespace: 'file://localhost', name: '/lake/raw/county_ops/permits' },
  delta: { namespace: 'file://localhost', name: '/lake/tables/permits' },
  mysql: { namespace: 'mysql://127.0.0.1:3306', name: 'county_mirror.permits' },
};
export const jobNames = { extract: 'permits.extract', apply: 'permits.apply', sync: 'permits.sync' };

export interface ControlFixture {
  db: TempDatabase;
  store: ControlStore;
  ctx: SchedulerContext;
  runs: { succeeded: RunRecord; failed: RunRecord; running: RunRecord };
  close(): Promise<void>;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** `empty: true` leaves the control database as a fresh install has it: tables, no schedules, runs or lineage. */
export async function createControlFixture(
  prefix: string,
  options: { empty?: boolean } = {},
): Promise<ControlFixture> {
  const db = await createTempDatabase(prefix);
  const store = openControlStore(db.url);
  let agenda: Agenda | undefined;
  try {
    await store.init();
    agenda = createAgenda({ controlDbUrl: db.url, name: `e2e:${process.pid}` });
    await agenda.ready;
    const ctx: SchedulerContext = { agenda, store, timezone: 'UTC', now: () => new Date() };
    const opened = agenda;
    const close = async () => {
      await closeAgenda(opened, false);
      await store.close();
      await db.drop();
    };
    if (options.empty) {
      return {
        db,
        store,
        ctx,
        get runs(): never {
          throw new Error('an empty control fixture has no runs');
        },
        close,
      };
    }
    await createSchedule(ctx, {
      name: 'permits-hourly',
      jobType: 'pipeline.run',
      target: 'permits',
      cron: '0 * * * *',
    });
    await createSchedule(ctx, {
      name: 'inspections-hourly',
      jobType: 'pipeline.run',
      target: 'inspections',
      cron: '30 * * * *',
      timezone: 'America/Chicago',
    });
    const runs = await seedRuns(store);
    await seedLineage(store);
    return { db, store, ctx, runs, close };
  } catch (error) {
    if (agenda) await closeAgenda(agenda, false);
    await store.close();
    await db.drop();
    throw error;
  }
}

async function seedRuns(store: ControlStore): Promise<ControlFixture['runs']> {
  const failedRun = await store.createRun({
    pipeline: 'permits',
    jobType: 'pipeline.run',
    trigger: 'schedule',
    scheduledFor: minutesAgo(125),
    startedAt: minutesAgo(120),
  });
  await store.updateProgress(
    failedRun.id,
    { stage: 'extract', rowsExtracted: 800, files: 1 },
    minutesAgo(119),
  );
  await store.appendLog(failedRun.id, {
    level: 'info',
    message: 'extracting county_ops.public.permits',
    at: minutesAgo(120),
  });
  await store.appendLog(failedRun.id, {
    level: 'error',
    message: 'apply failed: disk full',
    at: minutesAgo(119),
  });
  const failed = (await store.finishRun(failedRun.id, {
    status: 'failed',
    error: {
      message: 'Delta commit failed: disk full',
      code: 'LAKE_WRITE',
      stack: 'Error: disk full\n    at commitDelta (pipelines/delta/commit.ts:42:11)',
    },
    now: minutesAgo(118),
  }))!;

  const okRun = await store.createRun({
    pipeline: 'permits',
    jobType: 'pipeline.run',
    trigger: 'manual',
    startedAt: minutesAgo(60),
  });
  await store.updateProgress(
    okRun.id,
    { stage: 'extract', rowsExtracted: 12_345, files: 3, bytes: 456_789 },
    minutesAgo(59),
  );
  await store.updateProgress(okRun.id, { stage: 'apply', deltaVersion: 7 }, minutesAgo(58));
  await store.updateProgress(okRun.id, { stage: 'sync', rowsSynced: 12_345 }, minutesAgo(57));
  await store.appendLog(okRun.id, {
    level: 'info',
    message: 'committed Delta version 7',
    at: minutesAgo(58),
  });
  const succeeded = (await store.finishRun(okRun.id, { status: 'succeeded', now: minutesAgo(57) }))!;

  // A run in progress holds its target's lock, as execute-run does, so "Run now" on it is refused.
  const running = await store.createRun({
    pipeline: 'inspections',
    jobType: 'pipeline.run',
    trigger: 'schedule',
    startedAt: minutesAgo(1),
    lockKey: lockKeyFor('inspections'),
    worker: 'e2e-host:4242',
  });
  await store.acquireLock(lockKeyFor('inspections'), running.id, 10 * 60_000, new Date());
  await store.updateProgress(running.id, { stage: 'extract', rowsExtracted: 100 }, new Date());
  await store.appendLog(running.id, { level: 'info', message: 'extracting inspections', at: new Date() });
  return { succeeded, failed, running };
}

async function seedLineage(store: ControlStore): Promise<void> {
  const job = (name: string) => ({ namespace: 'county-lakehouse', name });
  const chain: RunDescription[] = [
    {
      runId: crypto.randomUUID(),
      job: job(jobNames.extract),
      inputs: [datasets.source],
      outputs: [{ ...datasets.raw, version: 'run-7' }],
    },
    {
      runId: crypto.randomUUID(),
      job: job(jobNames.apply),
      inputs: [datasets.raw],
      outputs: [{ ...datasets.delta, version: 7 }],
    },
    {
      runId: crypto.randomUUID(),
      job: job(jobNames.sync),
      inputs: [{ ...datasets.delta, version: 7 }],
      outputs: [datasets.mysql],
    },
  ];
  for (const [i, run] of chain.entries()) {
    await store.saveLineageEvent(buildStartEvent(run, minutesAgo(30 - i * 5)));
    // The sync to MySQL failed: its node must say so.
    const end = minutesAgo(29 - i * 5);
    await store.saveLineageEvent(
      run.job.name === jobNames.sync
        ? buildFailEvent(run, end, { message: 'MySQL is read-only' })
        : buildCompleteEvent(run, end),
    );
  }
}
