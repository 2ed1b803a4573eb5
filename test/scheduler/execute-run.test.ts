// executeRun's guarantees on the real PostgreSQL control store: run records with progress, logs, errors and
// lineage; the "not built yet" default; timeout and cancel through the AbortSignal; retries with
// exponential backoff; at most one run per target across two store connections (as two processes have).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelay,
  executeRun,
  type ExecuteRunDeps,
  type RunRequest,
} from '../../server/scheduler/execute-run';
import { NOT_BUILT_RUNNERS, type JobRunner } from '../../server/scheduler/runner-types';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

let db: TempDatabase;
let store: PostgresControlStore;
let other: PostgresControlStore;
before(async () => {
  db = await createTempDatabase('execrun');
  store = new PostgresControlStore(db.url);
  other = new PostgresControlStore(db.url);
  await store.init();
});
after(async () => {
  await store.close();
  await other.close();
  await db.drop();
});

let target = '';
let n = 0;
beforeEach(() => {
  target = `pipe${++n}`;
});

const request = (extra: Partial<RunRequest> = {}): RunRequest => ({
  jobType: 'pipeline.run',
  target,
  trigger: 'schedule',
  attempt: 1,
  scheduledFor: new Date('2026-11-24T08:00:00Z'),
  ...extra,
});

function deps(runner: JobRunner, extra: Partial<ExecuteRunDeps> = {}): ExecuteRunDeps {
  return {
    store,
    clock: { now: () => new Date() },
    runner,
    worker: 'test:1',
    lockTtlMs: 600,
    timeoutMs: 10_000,
    retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 3000 },
    lineageNamespace: 'county-lakehouse',
    emitLineage: (e) => store.saveLineageEvent(e),
    ...extra,
  };
}

describe('executeRun', () => {
  it('records progress, logs, success and START/COMPLETE lineage with the datasets', async () => {
    const outcome = await executeRun(
      deps(async (ctx) => {
        await ctx.progress({ stage: 'extract', rowsExtracted: 42 });
        await ctx.log('info', 'extracted 42 rows');
        return {
          lineage: {
            inputs: [{ namespace: 'postgres://127.0.0.1:5432', name: 'county_ops.public.permits' }],
            outputs: [
              {
                namespace: 'file://localhost',
                name: '/lake/tables/permits',
                version: 4,
                statistics: { rowCount: 42 },
              },
            ],
          },
        };
      }),
      request(),
    );
    assert.equal(outcome.kind, 'finished');
    if (outcome.kind !== 'finished') return;
    assert.equal(outcome.run.status, 'succeeded');
    assert.equal(outcome.run.progress.rowsExtracted, 42);
    const logs = (await store.listLogs(outcome.run.id)).map((l) => l.message);
    assert.ok(logs.includes('extracted 42 rows'));
    const events = await store.listLineageEvents({ runId: outcome.run.id });
    assert.deepEqual(
      events.map((e) => e.eventType),
      ['START', 'COMPLETE'],
    );
    assert.equal(events[1]?.outputs[0]?.facets?.version?.datasetVersion, '4');
    assert.equal(events[0]?.run.facets?.nominalTime?.nominalStartTime, '2026-11-24T08:00:00.000Z');
    assert.equal(await store.lockHolder(`run:${target}`, new Date()), null, 'lock released');
  });

  it('fails plainly with "not built yet" by default, with the stack, FAIL lineage and no retry', async () => {
    const retries: Date[] = [];
    const outcome = await executeRun(
      deps(NOT_BUILT_RUNNERS.runPipeline, { scheduleRetry: async (at) => void retries.push(at) }),
      request(),
    );
    assert.equal(outcome.kind === 'finished' && outcome.run.status, 'failed');
    if (outcome.kind !== 'finished') return;
    assert.match(outcome.run.error?.message ?? '', /not built yet/);
    assert.match(outcome.run.error?.stack ?? '', /PermanentRunError/);
    assert.deepEqual(retries, [], 'a permanent error is not retried');
    const events = await store.listLineageEvents({ runId: outcome.run.id });
    assert.equal(events.at(-1)?.eventType, 'FAIL');
    assert.match(events.at(-1)?.run.facets?.errorMessage?.message ?? '', /not built yet/);
  });

  it('gives the runner the options of a one-off run, and a retry keeps them', async () => {
    const options = {
      range: { table: 'parcels', from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' },
    };
    const seen: unknown[] = [];
    const retried: RunRequest[] = [];
    await executeRun(
      deps(
        async (ctx) => {
          seen.push(ctx.options);
          throw new Error('source timed out');
        },
        { scheduleRetry: async (_at, req) => void retried.push(req) },
      ),
      request({ trigger: 'manual', scheduledFor: null, options }),
    );
    assert.deepEqual(seen, [options] as unknown[]);
    assert.deepEqual(retried[0]?.options as unknown, options);
    assert.equal(retried[0]?.attempt, 2);
    // A plain run's runner gets no options.
    await executeRun(
      deps(async (ctx) => void seen.push(ctx.options)),
      request(),
    );
    assert.deepEqual(seen[1], {});
  });

  it('times out through the AbortSignal the runner receives', async () => {
    let sawAbort = false;
    const outcome = await executeRun(
      deps(
        (ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              sawAbort = true;
              reject(ctx.signal.reason);
            });
          }),
        { timeoutMs: 200 },
      ),
      request(),
    );
    assert.ok(sawAbort);
    assert.equal(outcome.kind === 'finished' && outcome.run.status, 'failed');
    assert.match(outcome.kind === 'finished' ? (outcome.run.error?.message ?? '') : '', /Timed out after/);
  });

  it('cancels a running run on request, from another connection', async () => {
    let runId = '';
    const running = executeRun(
      deps(async (ctx) => {
        runId = ctx.runId;
        await sleep(30_000, undefined, { signal: ctx.signal });
      }),
      request({ trigger: 'manual' }),
    );
    while (!runId) await sleep(20);
    assert.equal(await other.requestCancel(runId), true);
    const outcome = await running;
    assert.equal(outcome.kind === 'finished' && outcome.run.status, 'cancelled');
  });

  it('retries a failure with exponential backoff up to the limit', async () => {
    const scheduled: { at: number; attempt: number; trigger: string }[] = [];
    const t = 1_800_000_000_000;
    const runOnce = (attempt: number) =>
      executeRun(
        deps(
          async () => {
            throw new Error('source unreachable');
          },
          {
            clock: { now: () => new Date(t) },
            scheduleRetry: async (at, req) =>
              void scheduled.push({ at: at.getTime() - t, attempt: req.attempt, trigger: req.trigger }),
          },
        ),
        request({ attempt, trigger: attempt === 1 ? 'schedule' : 'retry' }),
      );
    for (const attempt of [1, 2, 3]) await runOnce(attempt);
    assert.deepEqual(scheduled, [
      { at: 1000, attempt: 2, trigger: 'retry' },
      { at: 2000, attempt: 3, trigger: 'retry' },
    ]);
    assert.equal(backoffDelay({ maxAttempts: 9, baseDelayMs: 1000, maxDelayMs: 3000 }, 5), 3000, 'capped');
    const runs = await store.listRuns({ pipeline: target });
    assert.deepEqual(runs.map((r) => r.attempt).sort(), [1, 2, 3]);
    assert.ok(runs.every((r) => r.status === 'failed'));
  });

  it('allows one run per target across connections: a scheduled duplicate is skipped, a manual one refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const first = executeRun(
      deps(async () => {
        started++;
        await gate;
      }),
      request(),
    );
    while (started === 0) await sleep(20);
    const viaOther = (trigger: RunRequest['trigger']) =>
      executeRun(
        deps(async () => void started++, { store: other }),
        request({ trigger }),
      );
    const scheduled = await viaOther('schedule');
    const manual = await viaOther('manual');
    assert.equal(scheduled.kind, 'skipped');
    assert.equal(manual.kind, 'skipped');
    assert.match(manual.kind === 'skipped' ? manual.message : '', /already has an active run/);
    release();
    const done = await first;
    assert.equal(started, 1);
    assert.equal(done.kind === 'finished' && done.run.status, 'succeeded');
    const refused = (await store.listRuns({ pipeline: target })).find((r) => r.trigger === 'manual');
    assert.equal(refused?.status, 'cancelled');
    assert.equal(refused?.error?.code, 'CONFLICT');
  });
});
