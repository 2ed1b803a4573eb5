// The alerts pass on the real PostgreSQL control store with a local webhook receiver and a local SMTP server:
// one message per incident (two passes, one message), a restarted evaluator does not send again, recovery,
// a failed send recorded and retried on the next pass (and given up after the last attempt), the webhook URL
// never in the history, a receiver that is down costing one attempt per pass, and the worker sending an alert
// on its own after a run fails.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runAlertTick, type AlertTickDeps } from '../../server/alerts/alert-tick';
import type { SyncReportLike } from '../../server/alerts/collect-signals';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { evaluateChecks } from '../../pipelines/quality/evaluate-checks';
import { loadEnv } from '../../server/config/env';
import { createSchedule, runScheduleNow } from '../../server/scheduler/schedules';
import { startWorker } from '../../server/scheduler/start-worker';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import type { ControlStore } from '../../server/store/control-store';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { openControlTestDb } from '../scheduler/control-test-db';
import {
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from './alert-servers';

const t0 = new Date('2026-12-01T08:00:00.000Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
const account = { user: 'alerts', pass: 'smtp-pa55word' };

let db: TempDatabase;
let store: PostgresControlStore;
let hook: WebhookReceiver;
let smtp: SmtpReceiver;
let clock = minutes(0);
let syncReport: SyncReportLike | Error = { tables: [] };
const logs: string[] = [];
let webhookId = '';

const deps = (s: ControlStore = store): AlertTickDeps => ({
  store: s,
  env: loadEnv({
    ALERT_SMTP_HOST: '127.0.0.1',
    ALERT_SMTP_PORT: String(smtp.port),
    ALERT_SMTP_USER: account.user,
    ALERT_SMTP_PASSWORD: account.pass,
    ALERT_SMTP_FROM: 'lakehouse@county.example',
  }),
  processEnv: { ALERT_WEBHOOK_OPS: hook.url },
  now: () => clock,
  readSyncStatus: async () => {
    if (syncReport instanceof Error) throw syncReport;
    return syncReport;
  },
  baseUrl: 'https://lake.county.example',
  maxAttempts: 3,
  owner: 'alerts-test',
  log: (line) => logs.push(line),
  timeoutMs: 5_000,
});

async function finishedRun(status: 'failed' | 'succeeded', at: Date, error?: string) {
  const run = await store.createRun({
    pipeline: 'permits',
    jobType: 'pipeline.run',
    trigger: 'schedule',
    startedAt: at,
  });
  await store.finishRun(run.id, { status, now: at, error: error ? { message: error } : null });
  return run;
}

const orders = (state: string) => ({
  tables: [{ table: 'orders', state, lastError: null, lagVersions: 4, lagMinutes: 90 }],
});

before(async () => {
  db = await createTempDatabase('alerts_tick');
  store = new PostgresControlStore(db.url);
  await store.init();
  hook = await startWebhookReceiver();
  smtp = await startSmtpReceiver(account);
});
after(async () => {
  await store.close();
  await hook.close();
  await smtp.close();
  await db.drop();
});

describe('alerts pass on PostgreSQL', () => {
  let failedRunId = '';

  it('sends one message per channel when a run fails, and nothing more on the next pass', async () => {
    const webhook = await store.alerts.createChannel(
      { type: 'webhook', name: 'ops-slack', enabled: true, format: 'slack', urlEnv: 'ALERT_WEBHOOK_OPS' },
      t0,
    );
    webhookId = webhook.id;
    const mail = await store.alerts.createChannel(
      { type: 'email', name: 'admins', enabled: true, to: ['ops@county.example'] },
      t0,
    );
    const common = {
      pipeline: null,
      table: null,
      minSeverity: 'error' as const,
      notifyRecovery: true,
      enabled: true,
    };
    await store.alerts.createRule(
      { ...common, name: 'runs', kind: 'run-failed', channelIds: [webhook.id, mail.id] },
      t0,
    );
    await store.alerts.createRule(
      { ...common, name: 'lag', kind: 'sync-lagging', channelIds: [webhook.id] },
      t0,
    );

    failedRunId = (await finishedRun('failed', minutes(1), 'source unreachable')).id;
    clock = minutes(2);
    const first = await runAlertTick(deps());
    assert.deepEqual([first.opened, first.sent, first.failed], [1, 2, 0]);
    assert.equal(hook.received.length, 1);
    const slack = hook.received[0]!.body as { text: string; blocks: unknown[] };
    assert.match(slack.text, /^\[ALERT\] permits: pipeline\.run run failed/);
    assert.ok(slack.text.includes(`https://lake.county.example/pipelines?run=${failedRunId}`), slack.text);
    assert.equal(smtp.mails.length, 1);
    assert.deepEqual(smtp.mails[0]!.to, ['ops@county.example']);
    assert.equal(smtp.mails[0]!.from, 'lakehouse@county.example');
    assert.match(smtp.mails[0]!.raw, /Subject: \[ALERT\] permits: pipeline\.run run failed/);
    // The body is quoted-printable: undo soft line breaks and the encoded '='.
    const body = smtp.mails[0]!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    assert.ok(body.includes(`https://lake.county.example/pipelines?run=${failedRunId}`), body);

    clock = minutes(3);
    const second = await runAlertTick(deps());
    assert.deepEqual([second.opened, second.sent], [0, 0]);
    // The next hour's run fails too: same incident, still quiet.
    await finishedRun('failed', minutes(60), 'source unreachable');
    clock = minutes(61);
    assert.equal((await runAlertTick(deps())).sent, 0);
    assert.equal(hook.received.length, 1);
    assert.equal(smtp.mails.length, 1);
  });

  it('a restarted evaluator (new store, same database) does not send again', async () => {
    const restarted = new PostgresControlStore(db.url);
    try {
      await restarted.init();
      const result = await runAlertTick(deps(restarted));
      assert.deepEqual([result.opened, result.sent], [0, 0]);
      assert.equal((await restarted.alerts.listOpenIncidents()).length, 1);
    } finally {
      await restarted.close();
    }
    assert.equal(hook.received.length, 1);
  });

  it('sends a recovery once a later run succeeds', async () => {
    await finishedRun('succeeded', minutes(120));
    clock = minutes(121);
    const result = await runAlertTick(deps());
    assert.deepEqual([result.closed, result.sent], [1, 2]);
    assert.match((hook.received[1]!.body as { text: string }).text, /^\[RECOVERED\] Recovered: permits/);
    assert.match(smtp.mails[1]!.raw, /Subject: \[RECOVERED\] Recovered: permits/);
    assert.deepEqual(await store.alerts.listOpenIncidents(), []);
    assert.equal((await runAlertTick(deps())).sent, 0);
  });

  it('records a failed send with its error, without the URL, and retries it on the next pass', async () => {
    syncReport = orders('lagging');
    hook.failNext(1);
    clock = minutes(130);
    const failed = await runAlertTick(deps());
    assert.deepEqual([failed.opened, failed.sent, failed.failed], [1, 0, 1]);
    const [latest] = await store.alerts.listDeliveries({ limit: 1 });
    assert.equal(latest?.status, 'retrying');
    assert.equal(latest?.attempts, 1);
    assert.match(latest!.error!, /answered 500: receiver down for maintenance/);
    assert.ok(!latest!.error!.includes('T0KEN'), 'the webhook URL must not reach the history');
    assert.ok(logs.some((l) => l.includes('retried on the next check')));

    clock = minutes(131);
    const retried = await runAlertTick(deps());
    assert.deepEqual([retried.opened, retried.sent, retried.failed], [0, 1, 0]);
    const [sent] = await store.alerts.listDeliveries({ limit: 1 });
    assert.deepEqual([sent?.id, sent?.status, sent?.attempts, sent?.error], [latest?.id, 'sent', 2, null]);
    const body = hook.received.at(-1)!.body as { text: string };
    assert.match(body.text, /orders: MySQL sync lagging.*https:\/\/lake\.county\.example\/sync/);
  });

  it('leaves sync incidents alone while the sync status is unreadable, and gives up after the last attempt', async () => {
    syncReport = new Error('MariaDB unreachable');
    const unreadable = await runAlertTick(deps());
    assert.deepEqual([unreadable.closed, unreadable.opened], [0, 0]);
    assert.ok(logs.some((l) => l.includes('sync status unreadable')));

    syncReport = orders('in-sync');
    hook.failNext(10);
    for (let pass = 0; pass < 4; pass++) {
      clock = minutes(140 + pass);
      await runAlertTick(deps());
    }
    const [recovery] = await store.alerts.listDeliveries({ limit: 1 });
    assert.match(recovery!.message.title, /^Recovered: orders/);
    assert.deepEqual([recovery?.status, recovery?.attempts], ['failed', 3]);
    assert.deepEqual(await store.alerts.listUnsentDeliveries(), []);
  });

  it('a webhook whose variable is unset fails with a message naming the variable', async () => {
    hook.failNext(0);
    const result = await runAlertTick({ ...deps(), processEnv: {} });
    assert.equal(result.failed, 0);
    await store.alerts.updateChannel(
      webhookId,
      { type: 'webhook', name: 'ops-slack', enabled: true, format: 'json', urlEnv: 'ALERT_WEBHOOK_GONE' },
      clock,
    );
    await finishedRun('failed', minutes(200), 'disk full');
    clock = minutes(201);
    const sent = await runAlertTick(deps());
    assert.deepEqual([sent.opened, sent.sent, sent.failed], [1, 1, 1]);
    const history = await store.alerts.listDeliveries({ limit: 2 });
    const hookDelivery = history.find((d) => d.channelId === webhookId);
    assert.equal(hookDelivery?.error, "ALERT_WEBHOOK_GONE is not set in the worker's environment");
  });
});

describe('alerts pass: a receiver that is down', () => {
  it('costs one attempt per pass, not one per queued message; all go out once it is back', async () => {
    // The webhook channel still names the unset ALERT_WEBHOOK_GONE (previous test).
    // Two more failing pipelines, so two new messages wait for the webhook.
    for (const pipeline of ['roads', 'parks']) {
      const run = await store.createRun({
        pipeline,
        jobType: 'pipeline.run',
        trigger: 'schedule',
        startedAt: minutes(301),
      });
      await store.finishRun(run.id, { status: 'failed', now: minutes(301), error: { message: 'down' } });
    }
    clock = minutes(302);
    const pass = await runAlertTick(deps());
    assert.equal(pass.opened, 2);
    const unsent = (await store.alerts.listUnsentDeliveries()).filter((d) => d.channelId === webhookId);
    // The one still retrying from the previous test, then the two new ones: one tried, the rest left for later.
    assert.deepEqual(unsent.map((d) => d.attempts).sort(), [0, 0, 2]);
    await store.alerts.updateChannel(
      webhookId,
      { type: 'webhook', name: 'ops-slack', enabled: true, format: 'json', urlEnv: 'ALERT_WEBHOOK_OPS' },
      clock,
    );
    const before = hook.received.length;
    clock = minutes(303);
    assert.equal((await runAlertTick(deps())).sent, 3);
    assert.equal(hook.received.length, before + 3);
    assert.deepEqual(await store.alerts.listUnsentDeliveries(), []);
  });
});

describe('alerts pass: real data-quality results', () => {
  it('a failed check stored with a run alerts once, and recovers when a later run passes it', async () => {
    // Results made by the real check engine (native DuckDB) and stored through the real store's results column.
    const duckdb = await createDuckDbSession();
    const checks = [
      { kind: 'not_null' as const, columns: ['apn'], severity: 'warn' as const, on: 'incoming' as const },
    ];
    const target = (rows: string) => ({
      table: 'parcels',
      primaryKey: ['parcel_id'],
      stage: 'incoming' as const,
      relationSql: `SELECT * FROM (VALUES ${rows}) t(parcel_id, apn)`,
    });
    let bad, good;
    try {
      bad = await evaluateChecks(duckdb, checks, target(`(1, NULL), (2, 'A-2')`));
      good = await evaluateChecks(duckdb, checks, target(`(1, 'A-1'), (2, 'A-2')`));
    } finally {
      duckdb.close();
    }
    await store.alerts.createRule(
      {
        name: 'checks',
        kind: 'check-failed',
        pipeline: 'assessor',
        table: null,
        minSeverity: 'warn',
        notifyRecovery: true,
        enabled: true,
        channelIds: [webhookId],
      },
      clock,
    );
    const stored = async (at: Date, results: typeof bad) => {
      const run = await store.createRun({
        pipeline: 'assessor',
        jobType: 'pipeline.run',
        trigger: 'schedule',
        startedAt: at,
      });
      await store.finishRun(run.id, { status: 'succeeded', now: at, results: { quality: results } });
      return run;
    };
    const before = hook.received.length;
    const warned = await stored(minutes(400), bad);
    clock = minutes(401);
    assert.equal((await runAlertTick(deps())).sent, 1);
    clock = minutes(402);
    assert.equal((await runAlertTick(deps())).sent, 0, 'one message per incident');
    const alert = JSON.stringify(hook.received.at(-1)!.body);
    assert.match(alert, /parcels: check not_null\(apn\) failed \(warn\)/);
    assert.ok(alert.includes(`pipelines?run=${warned.id}`), alert);
    await stored(minutes(460), good);
    clock = minutes(461);
    assert.equal((await runAlertTick(deps())).sent, 1);
    assert.match(JSON.stringify(hook.received.at(-1)!.body), /Recovered: parcels: check not_null\(apn\)/);
    assert.equal(hook.received.length, before + 2);
  });
});

describe('alerts in the worker', () => {
  it('sends the alert of a failed run right after it finishes, without waiting for the timer', async () => {
    const control = await openControlTestDb('alerts_worker');
    const worker = await startWorker({
      controlDbUrl: control.db.url,
      store: control.store,
      name: `alerts-worker:${process.pid}`,
      runners: {
        runPipeline: async () => {
          throw new Error('Oracle listener refused the connection');
        },
      },
      processEvery: 100,
      log: () => undefined,
      jobOptions: {
        lockTtlMs: 1000,
        agendaLockLifetimeMs: 2000,
        retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100 },
      },
      alerts: { ...deps(control.store), now: () => new Date(), everyMs: 3_600_000 },
    });
    try {
      const channel = await control.store.alerts.createChannel(
        {
          type: 'webhook',
          name: 'teams',
          enabled: true,
          format: 'teams-messagecard',
          urlEnv: 'ALERT_WEBHOOK_OPS',
        },
        new Date(),
      );
      await control.store.alerts.createRule(
        {
          name: 'runs',
          kind: 'run-failed',
          pipeline: 'roads',
          table: null,
          minSeverity: 'error',
          channelIds: [channel.id],
          notifyRecovery: true,
          enabled: true,
        },
        new Date(),
      );
      await createSchedule(control.web, {
        name: 'roads',
        jobType: 'pipeline.run',
        target: 'roads',
        cron: '0 * * * *',
      });
      const before = hook.received.length;
      await runScheduleNow(control.web, 'roads');
      const deadline = Date.now() + 20_000;
      while (hook.received.length === before && Date.now() < deadline) await sleep(100);
      const card = hook.received.at(-1)?.body as { '@type': string; text: string; title: string } | undefined;
      assert.equal(card?.['@type'], 'MessageCard');
      assert.match(card!.title, /roads: pipeline\.run run failed/);
      assert.match(card!.text, /Oracle listener refused the connection/);
    } finally {
      await worker.stop(5_000);
      await control.close();
    }
  });
});
