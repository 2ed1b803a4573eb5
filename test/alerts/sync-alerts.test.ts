// Sync alerts against the real sync status (getSyncStatusReport over a lake and MariaDB): a table that lags
// after an unsynced Delta commit opens one "lagging" incident with a link to /sync, and syncing it sends the
// recovery. Skipped, with the reason, when MariaDB is down (a failure under CI).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runAlertTick, type AlertTickDeps } from '../../server/alerts/alert-tick';
import { getSyncStatusReport } from '../../server/api/sync-status';
import { loadEnv } from '../../server/config/env';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { syncTable } from '../../pipelines/sync/index';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { createSyncedLake, PERMITS, type SyncedLake } from '../sync/synced-lake';
import { startWebhookReceiver, type WebhookReceiver } from './alert-servers';

const skip = await mariaDbSkipReason();
const saved = { ...process.env };
let lake: SyncedLake;
let db: TempDatabase;
let store: PostgresControlStore;
let hook: WebhookReceiver;

before(async () => {
  if (skip) return;
  lake = await createSyncedLake('alerts_sync');
  process.env.LAKE_ROOT = lake.lakeDir;
  process.env.MYSQL_URL = lake.db.url;
  db = await createTempDatabase('alerts_sync');
  store = new PostgresControlStore(db.url);
  await store.init();
  hook = await startWebhookReceiver();
});
after(async () => {
  process.env = saved;
  if (skip) return;
  await store.close();
  await db.drop();
  await hook.close();
  await lake.close();
});

test('a lagging MySQL table alerts once and recovers once it is synced', { skip }, async () => {
  const channel = await store.alerts.createChannel(
    { type: 'webhook', name: 'ops', enabled: true, format: 'json', urlEnv: 'ALERT_WEBHOOK_SYNC' },
    new Date(),
  );
  await store.alerts.createRule(
    {
      name: 'lag',
      kind: 'sync-lagging',
      pipeline: null,
      table: null,
      minSeverity: 'error',
      channelIds: [channel.id],
      notifyRecovery: true,
      enabled: true,
    },
    new Date(),
  );
  const deps: AlertTickDeps = {
    store,
    env: loadEnv({}),
    processEnv: { ALERT_WEBHOOK_SYNC: hook.url },
    now: () => new Date(),
    readSyncStatus: () => getSyncStatusReport(),
    baseUrl: 'https://lake.county.example',
    maxAttempts: 3,
    owner: 'sync-alerts-test',
    log: () => undefined,
  };
  assert.deepEqual([(await runAlertTick(deps)).opened, hook.received.length], [0, 0], 'both tables in sync');

  await lake.commitUnsynced();
  const lagging = await runAlertTick(deps);
  assert.deepEqual([lagging.opened, lagging.sent], [1, 1]);
  const body = hook.received[0]!.body as {
    event: string;
    subject: string;
    title: string;
    text: string;
    link: string;
  };
  assert.deepEqual(
    [body.event, body.subject, body.title, body.link],
    ['open', 'permits', 'permits: MySQL sync lagging', 'https://lake.county.example/sync'],
  );
  assert.match(body.text, /^MySQL is 1 Delta version\(s\) behind/);
  assert.equal((await runAlertTick(deps)).sent, 0, 'still lagging: nothing new');

  await syncTable(lake.effects, PERMITS);
  const recovered = await runAlertTick(deps);
  assert.deepEqual([recovered.closed, recovered.sent], [1, 1]);
  assert.equal((hook.received[1]!.body as { event: string }).event, 'recovery');
});
