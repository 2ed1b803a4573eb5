// A scheduled notebook end to end, as the worker wires it (server/worker.ts): the schedule's own Agenda job runs the
// notebook on the server path with the schedule's typed parameter values, and delivery (createDeliveryDeps over the
// control store's alert channels and the users file) reaches a local SMTP server with an Excel attachment and a
// local webhook receiver; the attachment is read back with readXlsx and checked against the lake table.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTable } from '../../pipelines/delta/index';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { loadEnv } from '../../server/config/env';
import { notebookRunDeliverer } from '../../server/delivery/deliver-run';
import { createDeliveryDeps } from '../../server/delivery/delivery-deps';
import { deliverySettingsSchema } from '../../server/delivery/delivery-settings';
import { createNotebookJobRunner } from '../../server/notebook-runs/notebook-job';
import { notebookTarget, syncNotebookSchedule } from '../../server/notebook-runs/notebook-schedules';
import { createRunFolders } from '../../server/notebook-runs/run-folders';
import {
  createScheduleSettingsStore,
  type NotebookSchedule,
} from '../../server/notebook-runs/schedule-settings';
import { createNotebookStore } from '../../server/notebooks/notebook-store';
import { createVersionedNotebooks } from '../../server/notebooks/notebook-versions';
import { readXlsx } from '../../server/notebooks/xlsx';
import { startWorker } from '../../server/scheduler/start-worker';
import {
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from '../alerts/alert-servers';
import { parseMail, textOf } from '../delivery/parse-mail';
import { openControlTestDb, type ControlTestDb } from '../scheduler/control-test-db';

const account = { user: 'reports', pass: 'smtp-pa55word' };
const notebookId = 'fees-by-ward';
let control: ControlTestDb;
let dir: string;
let smtp: SmtpReceiver;
let hook: WebhookReceiver;

before(async () => {
  control = await openControlTestDb('scheduled_delivery');
  dir = await mkdtemp(path.join(os.tmpdir(), 'scheduled-delivery-'));
  smtp = await startSmtpReceiver(account);
  hook = await startWebhookReceiver();
  const duckdb = await createDuckDbSession({ threads: 1 });
  try {
    await createTable({ storage: openLakeStorage(path.join(dir, 'lake')), duckdb }, 'tables/permits', {
      data: `SELECT i::BIGINT AS permit_id, 'ward ' || (i % 3) AS ward, i * 10 AS fee,
                    DATE '2026-11-01' + (i::INT) AS issued
             FROM range(0, 12) AS r(i)`,
    });
  } finally {
    duckdb.close();
  }
  await createVersionedNotebooks(
    createNotebookStore(path.join(dir, 'notebooks')),
    path.join(dir, 'notebooks'),
  ).create(
    {
      id: notebookId,
      title: 'Fees by ward',
      parameters: [{ name: 'min_fee', type: 'number', default: 0 }],
      cells: [
        {
          id: 'c1',
          kind: 'sql',
          name: 'by_ward',
          source:
            'SELECT ward, count(*) AS permits, sum(fee) AS fees, min(issued) AS first_issued\n' +
            'FROM permits WHERE fee >= {{min_fee}} GROUP BY ward ORDER BY ward',
        },
      ],
    },
    'bea',
  );
  // The users file gives the owner's address (a failed run would reach her) and a user target's.
  await writeFile(
    path.join(dir, 'users.json'),
    JSON.stringify([
      {
        username: 'bea',
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
        roles: ['analyst'],
        email: 'bea@county.example',
      },
    ]),
  );
});

after(async () => {
  await Promise.all([smtp.close(), hook.close()]);
  await control.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

it('a scheduled run through the worker delivers its Excel result by e-mail and its summary to a webhook', async () => {
  const notebooksDir = path.join(dir, 'notebooks');
  const env = loadEnv({
    NOTEBOOKS_DIR: notebooksDir,
    USERS_FILE: path.join(dir, 'users.json'),
    PUBLIC_URL: 'https://lake.county.example',
    ALERT_SMTP_HOST: '127.0.0.1',
    ALERT_SMTP_PORT: String(smtp.port),
    ALERT_SMTP_USER: account.user,
    ALERT_SMTP_PASSWORD: account.pass,
    ALERT_SMTP_FROM: 'lakehouse@county.example',
  });
  const channel = await control.store.alerts.createChannel(
    { name: 'reports', enabled: true, type: 'webhook', format: 'json', urlEnv: 'ALERT_HOOK_REPORTS' },
    new Date(),
  );
  const schedule: NotebookSchedule = {
    cron: '0 6 * * *',
    timezone: 'America/Chicago',
    enabled: true,
    parameters: { min_fee: 30 },
    delivery: deliverySettingsSchema.parse({
      targets: [
        { kind: 'user', username: 'bea' },
        { kind: 'webhook', channelId: channel.id },
      ],
      format: 'xlsx',
    }),
    updatedBy: 'bea',
    updatedAt: new Date().toISOString(),
  };
  await syncNotebookSchedule(control.web, 'bea', notebookId, null, schedule);
  await createScheduleSettingsStore(notebooksDir).write(notebookId, schedule);

  const worker = await startWorker({
    controlDbUrl: control.db.url,
    store: control.store,
    name: `delivery-worker:${process.pid}`,
    runners: {
      runNotebook: createNotebookJobRunner({
        storage: openLakeStorage(path.join(dir, 'lake')),
        notebooksDir,
        deliver: notebookRunDeliverer(
          createDeliveryDeps(env, control.store.alerts, { ALERT_HOOK_REPORTS: hook.url }),
        ),
      }),
    },
    processEvery: 100,
    log: () => undefined,
    jobOptions: { lockTtlMs: 1000, agendaLockLifetimeMs: 2000 },
  });
  try {
    // Its 06:00 has come: the schedule's own job made due now.
    const client = new pg.Client({ connectionString: control.db.url });
    await client.connect();
    try {
      await client.query(`UPDATE agenda_jobs SET next_run_at = $1 WHERE data->>'scheduleName' = $2`, [
        new Date(Date.now() - 1000),
        `notebook.${notebookId}`,
      ]);
    } finally {
      await client.end();
    }
    const run = await waitFor('the scheduled run', async () =>
      (await control.store.listRuns({ pipeline: notebookTarget(notebookId) })).find(
        (r) => r.status !== 'running',
      ),
    );
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.equal(run.trigger, 'schedule');
    const [manifest] = await createRunFolders(notebooksDir).listRuns(notebookId);
    assert.deepEqual(
      manifest?.delivery.map((line) => line.ok),
      [true, true],
      JSON.stringify(manifest?.delivery),
    );

    // The e-mail: to the user's address, the summary, and the Excel file of the result.
    assert.equal(smtp.mails.length, 1);
    assert.deepEqual(smtp.mails[0]?.to, ['bea@county.example']);
    const mail = parseMail(smtp.mails[0]!.raw);
    assert.match(textOf(mail), /Fees by ward/);
    assert.match(textOf(mail), /permits v0/);
    const part = mail.parts.find((p) => p.filename === 'by_ward.xlsx');
    assert.ok(part, `by_ward.xlsx attached; parts: ${mail.parts.map((p) => p.filename).join(', ')}`);
    const [sheet] = readXlsx(new Uint8Array(part.body));
    assert.deepEqual(
      sheet?.columns.map((c) => c.name),
      ['ward', 'permits', 'fees', 'first_issued'],
    );
    // Fees 30 … 110 (permits 3 … 11; the schedule's min_fee is 30): ward i % 3, first issue Nov 1 + first i.
    assert.deepEqual(sheet?.rows, [
      ['ward 0', 3, 180, new Date('2026-11-04T00:00:00Z')],
      ['ward 1', 3, 210, new Date('2026-11-05T00:00:00Z')],
      ['ward 2', 3, 240, new Date('2026-11-06T00:00:00Z')],
    ]);

    // The webhook: the summary and a link to each output, never the rows.
    assert.equal(hook.received.length, 1);
    const body = hook.received[0]!.body as Record<string, unknown>;
    const text = JSON.stringify(body);
    assert.match(text, /Fees by ward/);
    assert.match(text, new RegExp(`/api/notebooks/${notebookId}/runs/${manifest?.runId}/outputs/by_ward`));
    assert.doesNotMatch(text, /ward 0/);
  } finally {
    await worker.stop(5_000);
  }
});
