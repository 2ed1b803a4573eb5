// The worker with real Agenda on PostgreSQL: manual runs end in a run record; a manual run while one is
// active is refused; retries with backoff go through Agenda; the default runners fail plainly; drain waits
// for a run and aborts what it cannot wait for; a SIGKILLed worker's run is marked abandoned once its lock
// expires and the next run completes; both processes outlive the control database dropping their connections.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { connectNotifications } from '../../server/scheduler/create-agenda';
import { executeRun } from '../../server/scheduler/execute-run';
import type { JobRunners } from '../../server/scheduler/runner-types';
import { createSchedule, runScheduleNow, type SchedulerContext } from '../../server/scheduler/schedules';
import { startWorker, type RunningWorker } from '../../server/scheduler/start-worker';
import type { PostgresControlStore } from '../../server/store/postgres-control-store';
import type { RunRecord } from '../../server/store/types';
import type { TempDatabase } from '../support/postgres';
import { openControlTestDb, type ControlTestDb } from './control-test-db';

const root = path.resolve(import.meta.dirname, '..', '..');
let db: TempDatabase;
let store: PostgresControlStore;
let web: SchedulerContext;
let control: ControlTestDb;

before(async () => {
  control = await openControlTestDb('worker_agenda');
  ({ db, store, web } = control);
});
after(() => control.close());

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The finished runs of target, or undefined while there are none (so waitFor keeps waiting). */
const finishedRuns = (target: string) => async () => {
  const runs = (await store.listRuns({ pipeline: target })).filter((r) => r.status !== 'running');
  return runs.length > 0 ? runs : undefined;
};

async function withWorker(
  runners: Partial<JobRunners>,
  body: (w: RunningWorker) => Promise<void>,
  retryBase = 100,
) {
  const worker = await startWorker({
    controlDbUrl: db.url,
    store,
    name: `test-worker:${process.pid}`,
    runners,
    processEvery: 100,
    log: () => undefined,
    jobOptions: {
      lockTtlMs: 1000,
      agendaLockLifetimeMs: 2000,
      retry: { maxAttempts: 3, baseDelayMs: retryBase, maxDelayMs: 1000 },
    },
  });
  try {
    await body(worker);
  } finally {
    await worker.stop(5_000);
  }
}

describe('worker on Agenda', () => {
  it('runs a manual run to a succeeded run record with progress and lineage; refuses a second one meanwhile', async () => {
    await createSchedule(web, {
      name: 'permits',
      jobType: 'pipeline.run',
      target: 'permits',
      cron: '0 * * * *',
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await withWorker(
      {
        runPipeline: async (ctx) => {
          await ctx.progress({ stage: 'sync', rowsSynced: 7 });
          await gate;
        },
      },
      async () => {
        await runScheduleNow(web, 'permits');
        const running = await waitFor(
          'the run to start',
          async () => (await store.listRuns({ pipeline: 'permits', status: 'running' }))[0],
        );
        assert.equal(running.trigger, 'manual');
        await assert.rejects(runScheduleNow(web, 'permits'), {
          code: 'CONFLICT',
          message: /already running/,
        });
        release();
        const [done] = await waitFor('the run to finish', finishedRuns('permits'));
        assert.equal(done?.status, 'succeeded');
        assert.equal(done?.progress.rowsSynced, 7);
        const events = await store.listLineageEvents({ runId: done!.id });
        assert.deepEqual(
          events.map((e) => e.eventType),
          ['START', 'COMPLETE'],
        );
      },
    );
  });

  it('fails runs plainly with "not built yet" when no runner is wired', async () => {
    await createSchedule(web, {
      name: 'sync-permits',
      jobType: 'sync.run',
      target: 'permits-sync',
      cron: '0 * * * *',
    });
    await withWorker({}, async () => {
      await runScheduleNow(web, 'sync-permits');
      const [run] = await waitFor('the run to fail', finishedRuns('permits-sync'));
      assert.equal(run?.status, 'failed');
      assert.match(run?.error?.message ?? '', /MySQL sync runner is not built yet/);
    });
  });

  it('retries through Agenda with growing delays, up to the limit', async () => {
    await createSchedule(web, { name: 'flaky', jobType: 'pipeline.run', target: 'flaky', cron: '0 * * * *' });
    await withWorker(
      {
        runPipeline: async () => {
          throw new Error('source timed out');
        },
      },
      async () => {
        await runScheduleNow(web, 'flaky');
        const runs = await waitFor('three attempts', async () => {
          const all = (await finishedRuns('flaky')()) ?? [];
          return all.length >= 3 ? all : undefined;
        });
        await sleep(800);
        const all = (await store.listRuns({ pipeline: 'flaky' })).reverse();
        assert.equal(all.length, 3, 'no fourth attempt');
        assert.deepEqual(
          all.map((r) => [r.attempt, r.trigger, r.status]),
          [
            [1, 'manual', 'failed'],
            [2, 'retry', 'failed'],
            [3, 'retry', 'failed'],
          ],
        );
        const gap = (a: RunRecord, b: RunRecord) => b.startedAt.getTime() - a.finishedAt!.getTime();
        assert.ok(gap(all[0]!, all[1]!) >= 80 && gap(all[1]!, all[2]!) >= 160, 'exponential backoff');
        assert.equal(runs.length, 3);
      },
    );
  });

  it('drains: waits for a running run, and aborts one it cannot wait for', async () => {
    await createSchedule(web, {
      name: 'slow',
      jobType: 'delta.maintenance',
      target: 'slow',
      cron: '0 * * * *',
    });
    let mode: 'short' | 'long' = 'short';
    for (const expected of ['succeeded', 'failed'] as const) {
      const worker = await startWorker({
        controlDbUrl: db.url,
        store,
        name: 'drain-worker',
        processEvery: 100,
        log: () => undefined,
        runners: {
          runMaintenance: async (ctx) => {
            await sleep(mode === 'short' ? 600 : 60_000, undefined, { signal: ctx.signal });
          },
        },
        jobOptions: {
          lockTtlMs: 1000,
          agendaLockLifetimeMs: 2000,
          retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100 },
        },
      });
      const before = (await store.listRuns({ pipeline: 'slow' })).length;
      await runScheduleNow(web, 'slow');
      await waitFor(
        'the run to start',
        async () => (await store.listRuns({ pipeline: 'slow', status: 'running' }))[0],
      );
      const result = await worker.stop(mode === 'short' ? 10_000 : 300);
      const runs = await store.listRuns({ pipeline: 'slow' });
      assert.equal(runs.length, before + 1);
      assert.equal(runs[0]?.status, expected);
      if (expected === 'failed') {
        assert.equal(result.aborted, 1);
        assert.match(runs[0]?.error?.message ?? '', /shut down/);
      } else assert.equal(result.timedOut, false);
      mode = 'long';
    }
  });

  it('outlives the control database dropping every connection; the next run-now still runs', async () => {
    // A PostgreSQL restart or failover, as the processes see it. Without error listeners on Agenda's pool and on
    // its LISTEN/NOTIFY channel, the dropped connections end the process: this test's process, here.
    await createSchedule(web, {
      name: 'restarts',
      jobType: 'pipeline.run',
      target: 'restarts',
      cron: '0 * * * *',
    });
    await connectNotifications(web.agenda);
    await withWorker(
      { runPipeline: async (ctx) => ctx.progress({ stage: 'extract', rowsExtracted: 1 }) },
      async () => {
        await runScheduleNow(web, 'restarts');
        await waitFor('the first run', finishedRuns('restarts'));
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        try {
          const { rows } = await admin.query<{ n: number }>(
            'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
          );
          assert.ok((rows[0]?.n ?? 0) >= 3, `${rows[0]?.n} connections dropped`);
        } finally {
          await admin.end();
        }
        await sleep(300);
        await runScheduleNow(web, 'restarts');
        const runs = await waitFor('the second run', async () => {
          const all = (await finishedRuns('restarts')()) ?? [];
          return all.length >= 2 ? all : undefined;
        });
        assert.deepEqual(
          runs.map((r) => r.status),
          ['succeeded', 'succeeded'],
        );
      },
    );
  });

  it('marks the run of a SIGKILLed worker abandoned once its lock expires; the next run completes', async () => {
    // node --import tsx rather than the tsx binary, which forks a second process that SIGKILL would miss.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/scheduler/fixtures/hang-run.ts', db.url, 'killed'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const runId = await waitFor('the child run', async () => /RUNNING (\S+)/.exec(output)?.[1], 30_000);
      child.kill('SIGKILL');
      await exited;
      assert.equal((await store.getRun(runId))?.status, 'running', 'nobody has noticed yet');
      await sleep(1200); // the lock's ttl
      const next = await executeRun(
        {
          store,
          clock: { now: () => new Date() },
          worker: 'next',
          lockTtlMs: 1000,
          timeoutMs: 10_000,
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
          lineageNamespace: 'county-lakehouse',
          emitLineage: (e) => store.saveLineageEvent(e),
          runner: async (ctx) => void (await ctx.progress({ stage: 'extract', rowsExtracted: 10 })),
        },
        { jobType: 'pipeline.run', target: 'killed', trigger: 'schedule', attempt: 1, scheduledFor: null },
      );
      const killed = await store.getRun(runId);
      assert.equal(killed?.status, 'abandoned');
      assert.match(killed?.error?.message ?? '', /Abandoned/);
      assert.equal(next.kind === 'finished' && next.run.status, 'succeeded');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
