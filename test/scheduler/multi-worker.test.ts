// More workers on one control database, as separate processes (fixtures/shared-worker.ts: startWorker with
// WORKER_CONCURRENCY and WORKER_LOCK_LIFETIME_SECONDS from its environment, a runner that works RUN_MS):
// - started together, they create each definition's schedules once;
// - they share the schedules: every slot of four every-2-seconds schedules runs exactly once, on either worker;
// - a worker SIGKILLed mid-run has that run retried by another worker once the lock lifetime has passed, for a
//   manual run (Agenda hands its job on: the record shows the killed run abandoned and the manual run again) and
//   a scheduled one (the sweep queues the retry: attempt 2 of the same slot); nothing runs a third time.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScheduleJobData } from '../../server/scheduler/define-jobs';
import { createSchedule, runScheduleNow } from '../../server/scheduler/schedules';
import type { RunRecord } from '../../server/store/types';
import { queryRows } from '../support/postgres';
import { openControlTestDb, type ControlTestDb } from './control-test-db';

const root = path.resolve(import.meta.dirname, '..', '..');
let control: ControlTestDb;
interface ChildWorker {
  name: string;
  output(): string;
  ready(): Promise<boolean>;
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}
const children: ChildWorker[] = [];
const logs: string[] = [];

before(async () => {
  control = await openControlTestDb('multiworker');
});
after(async () => {
  for (const child of children) await child.kill('SIGKILL');
  await control.close();
});

function spawnWorker(name: string, env: Record<string, string>, pipelinesDir?: string): ChildWorker {
  // node --import tsx rather than the tsx binary, which forks a second process that SIGKILL would miss.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/scheduler/fixtures/shared-worker.ts',
      control.db.url,
      name,
      ...(pipelinesDir ? [pipelinesDir] : []),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: ChildWorker = {
    name,
    output: () => output,
    ready: () => waitFor(`${name} ready`, async () => (output.includes('READY') ? true : undefined)),
    async kill(signal: 'SIGKILL' | 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      logs.push(`--- ${name} (${signal}) ---\n${output}`);
    },
  };
  children.push(handle);
  return handle;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const running = children.map((c) => `--- ${c.name} ---\n${c.output()}`);
      throw new Error(`timed out waiting for ${what}; logs:\n${[...logs, ...running].join('\n')}`);
    }
    await sleep(50);
  }
}

const runsOf = (target: string) => control.store.listRuns({ pipeline: target, limit: 500 });

describe('two worker processes on one control database', () => {
  it('create the schedules once and run every slot of shared schedules exactly once', async () => {
    const env = { WORKER_CONCURRENCY: '2', WORKER_LOCK_LIFETIME_SECONDS: '2', RUN_MS: '600' };
    const workers = [spawnWorker('w1', env, './pipelines/demo'), spawnWorker('w2', env, './pipelines/demo')];
    await Promise.all(workers.map((w) => w.ready()));
    const schedules = await queryRows<{ name: string; n: string }>(
      control.db.url,
      `SELECT data->>'scheduleName' AS name, count(*) AS n FROM agenda_jobs
        WHERE data->>'scheduleName' LIKE 'county-ops%' GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      schedules.map((r) => [r.name, Number(r.n)]),
      [
        ['county-ops', 1],
        ['county-ops.maintenance', 1],
        ['county-ops.reconcile', 1],
      ],
      'each schedule created once although both workers started together',
    );

    // Every two seconds (Agenda takes six-field cron; the admin API keeps to five, so these are made directly).
    const targets = ['s0', 's1', 's2', 's3'];
    for (const target of targets) {
      const data: ScheduleJobData = { scheduleName: target, target };
      const job = control.web.agenda
        .create('pipeline.run', data)
        .repeatEvery('*/2 * * * * *', { timezone: 'UTC' });
      job.unique({ 'data.scheduleName': target });
      await job.save();
    }
    await waitFor('three finished slots of every schedule', async () => {
      for (const target of targets) {
        const done = (await runsOf(target)).filter((r) => r.status !== 'running');
        if (done.length < 3) return undefined;
      }
      return true;
    });
    for (const target of targets)
      await control.web.agenda.cancel({ name: 'pipeline.run', data: { scheduleName: target } });
    await waitFor('the last runs to finish', async () => {
      for (const target of targets)
        if ((await runsOf(target)).some((r) => r.status === 'running')) return undefined;
      return true;
    });

    const ranOn = new Set<string>();
    for (const target of targets) {
      const runs = await runsOf(target);
      const slots = runs.map((r) => r.scheduledFor?.toISOString());
      assert.equal(new Set(slots).size, runs.length, `${target}: no slot ran twice: ${slots.join(', ')}`);
      for (const run of runs) {
        assert.equal(run.status, 'succeeded', `${target}: ${run.error?.message ?? ''}`);
        assert.equal(run.trigger, 'schedule');
        assert.equal(new Date(run.scheduledFor ?? 0).getUTCSeconds() % 2, 0, 'an even-second slot');
        ranOn.add(run.worker ?? '');
      }
    }
    assert.deepEqual([...ranOn].sort(), ['w1', 'w2'], 'both workers took slots');
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  });

  it("a SIGKILLed worker's manual and scheduled runs are retried by another worker after the lock lifetime", async () => {
    const env = { WORKER_CONCURRENCY: '4', WORKER_LOCK_LIFETIME_SECONDS: '2', RUN_MS: '3000' };
    const alive = new Map<string, ChildWorker>();
    for (const name of ['k1', 'k2']) alive.set(name, spawnWorker(name, env));
    await Promise.all([...alive.values()].map((w) => w.ready()));

    /** Starts a run of `target` with `start`, kills its worker mid-run, and returns the killed run and its retry. */
    const killMidRun = async (target: string, start: () => Promise<unknown>) => {
      await start();
      const killed = await waitFor(`a run of ${target}`, async () =>
        (await runsOf(target)).find((r) => r.status === 'running' && r.progress.stage === 'extract'),
      );
      const victim = alive.get(killed.worker ?? '');
      assert.ok(victim, `the run is on a live worker (${killed.worker})`);
      await victim.kill('SIGKILL');
      alive.delete(victim.name);
      const killedAt = Date.now();
      assert.equal((await control.store.getRun(killed.id))?.status, 'running', 'nobody has noticed yet');
      const retry = await waitFor(`the retry of ${target}`, async () =>
        (await runsOf(target)).find((r) => r.id !== killed.id && r.status !== 'running'),
      );
      // The lock lifetime is 2 s: no other worker may take the run for dead before it has passed.
      assert.ok(retry.startedAt.getTime() - killedAt >= 1_500, 'retried only after the lock lifetime');
      await sleep(3_000);
      const runs = await runsOf(target);
      assert.equal(runs.length, 2, `one killed run, one retry: ${runs.map((r) => r.status).join(', ')}`);
      return {
        killed: (await control.store.getRun(killed.id)) as RunRecord,
        retry,
        survivor: [...alive.keys()],
      };
    };

    const manual = await killMidRun('killme', async () => {
      await createSchedule(control.web, {
        name: 'killme',
        jobType: 'pipeline.run',
        target: 'killme',
        cron: '0 0 1 1 *',
      });
      await runScheduleNow(control.web, 'killme');
    });
    assert.equal(manual.killed.status, 'abandoned');
    assert.equal(manual.killed.trigger, 'manual');
    assert.equal(manual.retry.status, 'succeeded', manual.retry.error?.message);
    // Agenda hands the same one-off job on: the new record is the manual run again, beside the abandoned one.
    assert.deepEqual([manual.retry.trigger, manual.retry.attempt], ['manual', 1]);
    assert.deepEqual([manual.retry.worker], manual.survivor, 'the other worker finished it');

    // A third worker, so the scheduled run's worker can be killed too and one is left.
    alive.set('k3', spawnWorker('k3', env));
    await alive.get('k3')?.ready();
    const scheduled = await killMidRun('killsched', async () => {
      await createSchedule(control.web, {
        name: 'killsched',
        jobType: 'pipeline.run',
        target: 'killsched',
        cron: '0 0 1 1 *',
      });
      // Its slot is due now (its cron's next is next New Year's).
      await queryRows(
        control.db.url,
        `UPDATE agenda_jobs SET next_run_at = now() WHERE data->>'scheduleName' = 'killsched'`,
      );
    });
    assert.equal(scheduled.killed.status, 'abandoned');
    assert.equal(scheduled.killed.trigger, 'schedule');
    assert.equal(scheduled.retry.status, 'succeeded', scheduled.retry.error?.message);
    assert.deepEqual([scheduled.retry.trigger, scheduled.retry.attempt], ['retry', 2]);
    assert.equal(
      scheduled.retry.scheduledFor?.toISOString(),
      scheduled.killed.scheduledFor?.toISOString(),
      'the retry stands for the killed slot',
    );
    assert.ok(scheduled.survivor.includes(scheduled.retry.worker ?? ''), 'a live worker finished it');
    for (const worker of alive.values()) await worker.kill('SIGTERM');
  });
});
