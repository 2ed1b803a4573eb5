// PostgreSQL (the control database) restarted during a run, for real: the run's Delta commit stands, its record
// is completed once the database is back (not left "running"), and the worker process survives the restart.
// Stops the machine's PostgreSQL for a few seconds; every path starts it again.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { executeRun } from '../../server/scheduler/execute-run';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { startWorkerProcess } from '../support/worker-process';
import { createDeltaFixture } from '../sync/delta-fixture';
import { SAMPLE_SCHEMA, sampleRows } from '../sync/sample-table';
import { startPostgresAndWait, stopPostgres } from './service-control';

let db: TempDatabase;
let store: PostgresControlStore;
let duckdb: DuckDbSession;
let lakeDir: string;
before(async () => {
  db = await createTempDatabase('pgrestart');
  store = new PostgresControlStore(db.url);
  await store.init();
  duckdb = await createDuckDbSession();
  lakeDir = await mkdtemp(path.join(tmpdir(), 'pg-restart-'));
});
after(async () => {
  await startPostgresAndWait();
  await store.close();
  await db.drop();
  duckdb.close();
  await rm(lakeDir, { recursive: true, force: true });
});

test('a run whose control database restarts under it keeps its Delta commit and is recorded when PostgreSQL is back', async () => {
  const fixture = await createDeltaFixture(duckdb, lakeDir, 'tables/restarted', SAMPLE_SCHEMA);
  let committedVersion = -1;
  let signalCommitted: () => void = () => undefined;
  const committed = new Promise<void>((resolve) => (signalCommitted = resolve));
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const lines: string[] = [];
  const outcome = executeRun(
    {
      store,
      clock: { now: () => new Date() },
      runner: async () => {
        committedVersion = await fixture.commit({ add: [sampleRows(0, 500)] });
        signalCommitted();
        await released; // the control database goes down here, before the verdict is written
        return {};
      },
      worker: 'test:restart',
      lockTtlMs: 60_000,
      timeoutMs: 120_000,
      retry: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
      lineageNamespace: 'county-lakehouse',
      emitLineage: (event) => store.saveLineageEvent(event),
      log: (line) => lines.push(line),
    },
    { jobType: 'pipeline.run', target: 'restarted', trigger: 'manual', attempt: 1, scheduledFor: null },
  );
  await committed;
  try {
    await stopPostgres();
    release();
    await sleep(3_000); // the verdict's writes fail and retry meanwhile
  } finally {
    await startPostgresAndWait();
  }
  const result = await outcome;
  assert.equal(result.kind, 'finished');
  assert.ok(
    lines.some((line) => /not written .*retrying/.test(line)),
    `the verdict was retried while PostgreSQL was down; log: ${lines.join(' | ')}`,
  );
  if (result.kind !== 'finished') return;
  assert.equal(result.run.status, 'succeeded');
  const stored = await store.getRun(result.run.id);
  assert.equal(stored?.status, 'succeeded');
  assert.ok(stored?.finishedAt, 'the record has its finish time');
  const running = (await store.listRuns({ limit: 50 })).filter((run) => run.status === 'running');
  assert.deepEqual(running, [], 'no run is left "running"');
  const snapshot = await fixture.snapshot();
  assert.equal(snapshot.version, committedVersion, 'the Delta commit stands');
  assert.equal(snapshot.files.length, 1);
});

test('the worker process survives a PostgreSQL restart and still stops cleanly', async () => {
  const { child, output, waitFor, exited } = startWorkerProcess({ CONTROL_DB_URL: db.url });
  try {
    await waitFor(/\[worker\].* ready;/, 30_000);
    try {
      await stopPostgres();
      await sleep(4_000); // Agenda's polling and the pools' idle connections see the database go away
    } finally {
      await startPostgresAndWait();
    }
    await sleep(4_000);
    assert.equal(child.exitCode, null, `the worker is still running; output:\n${output()}`);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output());
    assert.match(output(), /stopped/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
