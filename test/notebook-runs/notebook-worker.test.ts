// A scheduled notebook through the real worker on Agenda and PostgreSQL: setting the schedule creates its Agenda
// job (and an audit entry), Run now queues a `notebook.run` job the worker runs, the run record has progress, logs
// and lineage naming the Delta table read, the manifest says who asked and what delivery did, and removing the
// schedule removes the job. Every handle (worker, Agenda, pools, DuckDB) is closed so the process exits.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTable } from '../../pipelines/delta/index';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { createNotebookJobRunner, type DeliverRun } from '../../server/notebook-runs/notebook-job';
import {
  NOTEBOOK_JOB_TYPE,
  notebookTarget,
  queueNotebookRun,
  syncNotebookSchedule,
} from '../../server/notebook-runs/notebook-schedules';
import { createRunFolders } from '../../server/notebook-runs/run-folders';
import { scheduleInputSchema, type NotebookSchedule } from '../../server/notebook-runs/schedule-settings';
import { createScheduleSettingsStore } from '../../server/notebook-runs/schedule-settings';
import { createNotebookStore } from '../../server/notebooks/notebook-store';
import { createVersionedNotebooks } from '../../server/notebooks/notebook-versions';
import { startWorker } from '../../server/scheduler/start-worker';
import { openControlTestDb, type ControlTestDb } from '../scheduler/control-test-db';

let control: ControlTestDb;
let dir: string;
const notebookId = 'permit-fees';

before(async () => {
  control = await openControlTestDb('notebook_worker');
  dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-worker-'));
  const duckdb = await createDuckDbSession({ threads: 1 });
  try {
    await createTable({ storage: openLakeStorage(path.join(dir, 'lake')), duckdb }, 'tables/permits', {
      data: `SELECT i::BIGINT AS permit_id, i * 10 AS fee FROM range(0, 12) AS r(i)`,
    });
  } finally {
    duckdb.close();
  }
  const notebooksDir = path.join(dir, 'notebooks');
  await createVersionedNotebooks(createNotebookStore(notebooksDir), notebooksDir).create(
    {
      id: notebookId,
      title: 'Permit fees',
      parameters: [{ name: 'min_fee', type: 'text', default: '0' }],
      cells: [
        {
          id: 'c1',
          kind: 'sql',
          name: 'fees',
          source: 'SELECT count(*) AS permits, sum(fee) AS total FROM permits WHERE fee >= {{min_fee}}::INT',
        },
      ],
    },
    'analyst',
  );
});
after(async () => {
  await control.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const scheduleJobs = async () =>
  (
    await control.web.agenda.queryJobs({
      names: [NOTEBOOK_JOB_TYPE],
      data: { scheduleName: `notebook.${notebookId}` },
      includeDisabled: true,
    })
  ).jobs;

describe('notebook.run through the worker', () => {
  it('keeps an Agenda job per schedule, runs Run now through the worker and records it like a pipeline run', async () => {
    const notebooksDir = path.join(dir, 'notebooks');
    const settings = createScheduleSettingsStore(notebooksDir);
    const input = scheduleInputSchema.parse({
      cron: '0  *  * * *',
      timezone: 'America/Chicago',
      parameters: { min_fee: '50' },
      delivery: { targets: [{ kind: 'email', to: 'clerk@county.example' }] },
    });
    const schedule: NotebookSchedule = {
      ...input,
      updatedBy: 'analyst',
      updatedAt: new Date().toISOString(),
    };
    await syncNotebookSchedule(control.web, 'analyst', notebookId, null, schedule);
    await settings.write(notebookId, schedule);
    const [job] = await scheduleJobs();
    assert.equal(job?.repeatInterval, '0 * * * *');
    assert.equal(job?.repeatTimezone, 'America/Chicago');
    assert.equal(job?.disabled ?? false, false);

    const delivered: { runId: string; to: unknown; owner: string | null }[] = [];
    const deliver: DeliverRun = async (manifest, delivery, owner) => {
      delivered.push({ runId: manifest.runId, to: delivery.targets, owner });
      return [{ target: 'clerk@county.example', ok: true, detail: 'sent (test)' }];
    };
    const worker = await startWorker({
      controlDbUrl: control.db.url,
      store: control.store,
      name: `notebook-worker:${process.pid}`,
      runners: {
        runNotebook: createNotebookJobRunner({
          storage: openLakeStorage(path.join(dir, 'lake')),
          notebooksDir,
          deliver,
        }),
      },
      processEvery: 100,
      log: () => undefined,
      jobOptions: { lockTtlMs: 1000, agendaLockLifetimeMs: 2000 },
    });
    try {
      await queueNotebookRun(control.web, 'analyst', notebookId);
      const target = notebookTarget(notebookId);
      const run = await waitFor('the notebook run to finish', async () =>
        (await control.store.listRuns({ pipeline: target })).find((r) => r.status !== 'running'),
      );
      assert.equal(run.status, 'succeeded', run.error?.message);
      assert.equal(run.jobType, 'notebook.run');
      assert.equal(run.trigger, 'manual');
      assert.equal(run.progress.stage, 'done');
      assert.equal(run.progress.outputs, 1);
      const logs = (await control.store.listLogs(run.id)).map((l) => l.message).join('\n');
      assert.match(logs, /pinned permits@0/);
      assert.match(logs, /fees: 1 rows/);
      assert.match(logs, /delivery clerk@county\.example: sent \(test\)/);
      const events = await control.store.listLineageEvents({ runId: run.id });
      const complete = events.find((e) => e.eventType === 'COMPLETE');
      assert.equal(complete?.job.name, `${target}.notebook.run`);
      assert.deepEqual(
        complete?.inputs?.map((i) => i.name.endsWith('/tables/permits')),
        [true],
      );

      const [manifest] = await createRunFolders(notebooksDir).listRuns(notebookId);
      assert.equal(manifest?.status, 'succeeded');
      assert.deepEqual(manifest?.trigger, { user: 'analyst' });
      assert.deepEqual(manifest?.parameters, { min_fee: '50' });
      assert.deepEqual(manifest?.versions, { permits: 0 });
      assert.deepEqual(manifest?.delivery, [
        { target: 'clerk@county.example', ok: true, detail: 'sent (test)' },
      ]);
      assert.deepEqual(delivered, [
        { runId: manifest?.runId, to: [{ kind: 'email', to: 'clerk@county.example' }], owner: 'analyst' },
      ]);
      const audit = await control.store.listScheduleChanges({ schedule: `notebook.${notebookId}` });
      assert.deepEqual(audit.map((a) => a.action).sort(), ['create', 'run-now']);

      // The schedule's own job, made due now (as if its hour had come): a scheduled run, with the schedule's values.
      const pool = new pg.Client({ connectionString: control.db.url });
      await pool.connect();
      try {
        await pool.query(`UPDATE agenda_jobs SET next_run_at = $1 WHERE data->>'scheduleName' = $2`, [
          new Date(Date.now() - 1000),
          `notebook.${notebookId}`,
        ]);
      } finally {
        await pool.end();
      }
      const scheduled = await waitFor('the scheduled run to finish', async () =>
        (await control.store.listRuns({ pipeline: target })).find(
          (r) => r.trigger === 'schedule' && r.status !== 'running',
        ),
      );
      assert.equal(scheduled.status, 'succeeded', scheduled.error?.message);
      assert.ok(scheduled.scheduledFor, 'a scheduled run stands for its hour');
      const [latest] = await createRunFolders(notebooksDir).listRuns(notebookId);
      assert.equal(latest?.trigger, 'schedule');
      assert.deepEqual(latest?.parameters, { min_fee: '50' });
      assert.equal(latest?.outputs[0]?.rows, 1);
      const file = await createRunFolders(notebooksDir).outputPath(notebookId, latest?.runId ?? '', 'fees');
      const reader = await createDuckDbSession({ threads: 1 });
      try {
        // Fees 0, 10 … 110: the schedule's min_fee of 50 keeps 50 … 110.
        assert.deepEqual(await reader.queryJson(`SELECT permits, total FROM read_parquet('${file}')`), [
          { permits: '7', total: 560 },
        ]);
      } finally {
        reader.close();
      }
    } finally {
      await worker.stop(5_000);
    }

    await syncNotebookSchedule(control.web, 'analyst', notebookId, schedule, null);
    assert.deepEqual(await scheduleJobs(), []);
  });
});
