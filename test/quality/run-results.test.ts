// Results travel from a runner to the run record: executeRun stores what a runner returns as `results`, and what a
// failing runner attached to its error, with the error's code and no retry for a failed check; a control database
// made before results existed gains the column when the store starts.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PipelineError } from '../../pipelines/definition/errors';
import { withResults, type CheckResult } from '../../pipelines/runner/job-context';
import { executeRun, type ExecuteRunDeps, type RunRequest } from '../../server/scheduler/execute-run';
import type { JobRunner } from '../../server/scheduler/runner-types';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase, queryRows, type TempDatabase } from '../support/postgres';

let db: TempDatabase;
let store: PostgresControlStore;

before(async () => {
  db = await createTempDatabase('quality_results');
  store = new PostgresControlStore(db.url);
  await store.init();
});
after(async () => {
  await store.close();
  await db.drop();
});

const failing: CheckResult = {
  table: 'parcels',
  check: 'not_null(apn)',
  kind: 'not_null',
  severity: 'error',
  stage: 'incoming',
  passed: false,
  observed: 3,
  message: '3 rows with apn null',
  column: 'apn',
};

const request = (target: string): RunRequest => ({
  jobType: 'pipeline.run',
  target,
  trigger: 'manual',
  attempt: 1,
  scheduledFor: null,
});

function deps(runner: JobRunner, scheduled: Date[]): ExecuteRunDeps {
  return {
    store,
    clock: { now: () => new Date() },
    runner,
    worker: 'test:1',
    lockTtlMs: 5_000,
    timeoutMs: 10_000,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    lineageNamespace: 'county-lakehouse',
    emitLineage: (e) => store.saveLineageEvent(e),
    scheduleRetry: async (at) => {
      scheduled.push(at);
    },
  };
}

describe('run results', () => {
  it('a finished run stores the results its runner returned', async () => {
    const passed = { ...failing, passed: true, observed: 0, message: 'no nulls' };
    const outcome = await executeRun(
      deps(async () => ({ results: { quality: [passed] } }), []),
      request('qres-ok'),
    );
    assert.ok(outcome.kind === 'finished');
    assert.equal(outcome.run.status, 'succeeded');
    assert.deepEqual((await store.getRun(outcome.run.id))?.results, { quality: [passed] });
  });

  it('a failed check fails the run with its code and results, and is not retried', async () => {
    const scheduled: Date[] = [];
    const outcome = await executeRun(
      deps(async () => {
        throw withResults(new PipelineError('QUALITY_CHECK_FAILED', 'parcels: stopped'), {
          quality: [failing],
        });
      }, scheduled),
      request('qres-fail'),
    );
    assert.ok(outcome.kind === 'finished');
    const run = await store.getRun(outcome.run.id);
    assert.equal(run?.status, 'failed');
    assert.equal(run?.error?.code, 'QUALITY_CHECK_FAILED');
    assert.deepEqual(run?.results, { quality: [failing] });
    assert.deepEqual(scheduled, [], 'no retry');
    assert.equal(outcome.retryAt, null);
  });

  it('another failure keeps its retries and stores no results', async () => {
    const scheduled: Date[] = [];
    const outcome = await executeRun(
      deps(async () => {
        throw new PipelineError('EXTRACT_FAILED', 'source went away');
      }, scheduled),
      request('qres-other'),
    );
    assert.ok(outcome.kind === 'finished');
    assert.equal(outcome.run.error?.code, 'EXTRACT_FAILED');
    assert.deepEqual(outcome.run.results, {});
    assert.equal(scheduled.length, 1, 'retried');
  });

  it('a control database made before results existed gains the column, its runs reading {}', async () => {
    const old = await executeRun(
      deps(async () => ({}), []),
      request('qres-old'),
    );
    assert.ok(old.kind === 'finished');
    await queryRows(db.url, 'ALTER TABLE control_runs DROP COLUMN results');
    await store.init();
    assert.deepEqual((await store.getRun(old.run.id))?.results, {});
    const columns = await queryRows<{ column_default: string }>(
      db.url,
      `SELECT column_default FROM information_schema.columns WHERE table_name = 'control_runs' AND column_name = 'results'`,
    );
    assert.match(String(columns[0]?.column_default), /'\{\}'::jsonb/);
  });
});
