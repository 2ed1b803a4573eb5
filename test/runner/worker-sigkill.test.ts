// A real worker process SIGKILLed in the middle of a demo pipeline run (extract → Delta → MySQL sync), once while
// extracting and once in the sync after Delta committed: its run stays "running" until its lock expires, is then
// marked abandoned, and Agenda hands the job to the next worker once the dead one's job lock has lapsed; that run
// completes the work: every table's Delta snapshot holds the source's keys and MySQL equals Delta.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyChangeHour } from '../../pipelines/demo/apply-change-hour';
import { DEMO_TABLES, PRIMARY_KEYS } from '../../pipelines/demo/schema';
import { closeAgenda } from '../../server/scheduler/create-agenda';
import { runScheduleNow, type SchedulerContext } from '../../server/scheduler/schedules';
import type { RunningWorker } from '../../server/scheduler/start-worker';
import type { RunRecord } from '../../server/store/types';
import { openWebScheduler } from '../scheduler/control-test-db';
import { mysqlSkipReason, openRunnerServices, startRealWorker, type RunnerServices } from './services';
import { assertMySqlEqualsDelta, deltaKeys, sourceKeys } from './table-equality';

const root = path.resolve(import.meta.dirname, '..', '..');
const skip = await mysqlSkipReason();
let services: RunnerServices;
let web: SchedulerContext;
let next: RunningWorker | undefined;
const logs: string[] = [];

before(async () => {
  if (skip) return;
  services = await openRunnerServices('wkkill', 30_000);
  web = await openWebScheduler(services.control.url, services.store);
});
after(async () => {
  if (skip) return;
  await next?.stop(10_000);
  await closeAgenda(web.agenda, false);
  await services.close();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log:\n${logs.join('\n')}`);
    await sleep(25);
  }
}

const runs = () => services.store.listRuns({ pipeline: 'county-ops' });

/** Starts a worker process with the real runners; resolves once it is ready. */
async function spawnWorker() {
  // node --import tsx rather than the tsx binary, which forks a second process that SIGKILL would miss.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/runner/fixtures/real-worker.ts',
      services.control.url,
      services.source.url,
      services.mysql.url,
      services.lake,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    logs.push(`--- killed worker ---\n${output}`);
  };
  try {
    await waitFor('the child worker', async () => (output.includes('READY') ? true : undefined));
  } catch (error) {
    await kill();
    throw error;
  }
  return { kill };
}

/**
 * Runs county-ops now on a child worker, SIGKILLs it once `killPoint` says the run is far enough, then lets
 * a worker in this process take over; checks the killed run is abandoned and the next one did the work.
 */
async function killMidRunThenRecover(
  killPoint: (run: RunRecord) => Promise<boolean>,
  // Deletes reach Delta only on key-comparison runs (every 24th in the demo), so after a change hour Delta
  // holds every source key plus the rows deleted since.
  keys: 'equal' | 'superset',
) {
  const before = new Set((await runs()).map((r) => r.id));
  const child = await spawnWorker();
  let killed: RunRecord;
  try {
    await runScheduleNow(web, 'county-ops');
    killed = await waitFor('the child run to reach the kill point', async () => {
      const run = (await runs()).find((r) => !before.has(r.id));
      if (run && run.status !== 'running') throw new Error(`the run ended before the kill: ${run.status}`);
      return run && (await killPoint(run)) ? run : undefined;
    });
  } finally {
    await child.kill();
  }
  assert.equal((await services.store.getRun(killed.id))?.status, 'running', 'nobody has noticed yet');

  next = await startRealWorker(services, `next-worker:${process.pid}`, (line) => logs.push(line));
  try {
    const completed = await waitFor('the next run to finish', async () =>
      (await runs()).find((r) => !before.has(r.id) && r.id !== killed.id && r.status !== 'running'),
    );
    assert.equal(completed.status, 'succeeded', completed.error?.message);
    assert.equal(completed.trigger, 'manual', 'the killed manual job, handed on by Agenda');
    const abandoned = await services.store.getRun(killed.id);
    assert.equal(abandoned?.status, 'abandoned');
    assert.match(abandoned?.error?.message ?? '', /Abandoned/);
    const fresh = (await runs()).filter((r) => !before.has(r.id));
    assert.equal(fresh.length, 2, 'one run killed, one run completed: no burst of reruns');
  } finally {
    await next.stop(10_000);
    next = undefined;
  }
  for (const table of DEMO_TABLES) {
    const key = PRIMARY_KEYS[table];
    const delta = await deltaKeys(services, table, key);
    const source = await sourceKeys(services, table, key);
    if (keys === 'equal') assert.deepEqual(delta, source, `${table}: Delta holds the source's keys`);
    else {
      const inDelta = new Set(delta);
      assert.deepEqual(
        source.filter((k) => !inDelta.has(k)),
        [],
        `${table}: every source key is in Delta`,
      );
    }
  }
  await assertMySqlEqualsDelta(services);
  return killed;
}

describe('a SIGKILLed worker with the real runners', { skip: skip ?? false }, () => {
  it('killed while extracting: its run is abandoned once the lock expires, the next worker completes the work', async () => {
    const killed = await killMidRunThenRecover(async (run) => Object.keys(run.progress).length > 0, 'equal');
    assert.equal(killed.progress.stage, 'extract');
  });

  it('killed in the MySQL sync after Delta committed: the next run brings MySQL level with Delta', async () => {
    await applyChangeHour({ connectionString: services.source.url });
    // The test holds every demo table's MySQL write lock, so the sync stage blocks on its first statement.
    const tables = DEMO_TABLES.map((t) => `\`${t}\` WRITE`).join(', ');
    await services.mysql.admin.query(`LOCK TABLES ${tables}`);
    try {
      const killed = await killMidRunThenRecover(async (run) => {
        if (run.progress.stage !== 'sync') return false;
        const [waiting] = await services.mysql.admin.query(
          `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table%'`,
          [services.mysql.name],
        );
        if ((waiting as unknown[]).length === 0) return false;
        await services.mysql.admin.query('UNLOCK TABLES');
        return true;
      }, 'superset');
      assert.equal(killed.progress['parcels.deltaVersion'], 1, 'Delta had committed the change hour');
    } finally {
      await services.mysql.admin.query('UNLOCK TABLES');
    }
  });
});
