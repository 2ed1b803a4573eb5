// The alerts API as an admin uses it: a webhook channel takes the NAME of its URL variable and refuses a URL
// or another secret's variable; no answer (lists, edits, send test, history) ever carries the URL or the SMTP
// password; partial edits keep the rest; bad input and unknown ids get clear errors and change nothing.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as historyRoute from '../../app/api/alerts/history/route';
import * as channelTestRoute from '../../app/api/alerts/channels/[id]/test/route';
import * as channelRoute from '../../app/api/alerts/channels/[id]/route';
import * as channelsRoute from '../../app/api/alerts/channels/route';
import * as ruleRoute from '../../app/api/alerts/rules/[id]/route';
import * as rulesRoute from '../../app/api/alerts/rules/route';
import { closeControlPlane } from '../../server/api/control-plane';
import { CSRF_HEADERS } from '../support/auth';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { startWebhookReceiver, type WebhookReceiver } from '../alerts/alert-servers';
import { signInEveryRole } from './role-sessions';
import { params, req } from './route-table';

const saved = { ...process.env };
let db: TempDatabase;
let dir: string;
let hook: WebhookReceiver;
let admin: Record<string, string>;
const SMTP_PASSWORD = 'smtp-Pa55-never-shown';

before(async () => {
  db = await createTempDatabase('alerts_routes');
  dir = await mkdtemp(path.join(os.tmpdir(), 'alerts-routes-'));
  hook = await startWebhookReceiver();
  process.env.CONTROL_DB_URL = db.url;
  process.env.PUBLIC_URL = 'https://lake.county.example/';
  process.env.ALERT_WEBHOOK_ROUTES = hook.url;
  process.env.ALERT_SMTP_URL = `smtp://alerts:${SMTP_PASSWORD}@127.0.0.1:1`;
  process.env.ALERT_SMTP_PASSWORD = SMTP_PASSWORD;
  process.env.ALERT_SMTP_FROM = 'lakehouse@county.example';
  const cookies = await signInEveryRole(dir);
  admin = { cookie: cookies.admin, ...CSRF_HEADERS };
});
after(async () => {
  await closeControlPlane();
  process.env = saved;
  await hook.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

/** The answer's status and text, checked to carry no secret whatever it is. */
async function call(res: Promise<Response>): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await res;
  const text = await r.text();
  assert.ok(!text.includes('T0KEN-s3cret'), `the webhook URL leaked: ${text}`);
  assert.ok(!text.includes(SMTP_PASSWORD), `the SMTP password leaked: ${text}`);
  return { status: r.status, body: JSON.parse(text) as Record<string, unknown> };
}

const id = (value: string) => params({ id: value });
type Channel = {
  id: string;
  urlEnv?: string;
  ready: boolean;
  problem: string | null;
  format?: string;
  name: string;
};

describe('alerts API', () => {
  let channelId = '';

  it('refuses a URL instead of a variable name, and variables that are not ALERT_*', async () => {
    for (const body of [
      { type: 'webhook', name: 'x', urlEnv: 'ALERT_WEBHOOK_ROUTES', url: hook.url },
      { type: 'webhook', name: 'x', urlEnv: hook.url },
      { type: 'webhook', name: 'x', urlEnv: 'SESSION_SECRET' },
      { type: 'webhook', name: 'x', urlEnv: 'ALERT_SMTP_PASSWORD' },
      { type: 'email', name: 'x', to: ['not an address'] },
      { type: 'pager', name: 'x' },
    ]) {
      const { status, body: answer } = await call(
        channelsRoute.POST(req('POST', '/api/alerts/channels', admin, body), undefined),
      );
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal((answer.error as { code: string }).code, 'INVALID_INPUT');
    }
    const { body } = await call(channelsRoute.GET(req('GET', '/api/alerts/channels', admin), undefined));
    assert.deepEqual(body.channels, []);
  });

  it('stores the variable name and shows whether it is set, never its value', async () => {
    const created = await call(
      channelsRoute.POST(
        req('POST', '/api/alerts/channels', admin, {
          type: 'webhook',
          name: 'ops',
          format: 'teams-adaptive',
          urlEnv: 'ALERT_WEBHOOK_ROUTES',
        }),
        undefined,
      ),
    );
    assert.equal(created.status, 201);
    const channel = created.body.channel as Channel;
    channelId = channel.id;
    assert.deepEqual([channel.urlEnv, channel.ready, channel.problem], ['ALERT_WEBHOOK_ROUTES', true, null]);

    const mail = await call(
      channelsRoute.POST(
        req('POST', '/api/alerts/channels', admin, {
          type: 'email',
          name: 'admins',
          to: ['ops@county.example'],
        }),
        undefined,
      ),
    );
    assert.equal((mail.body.channel as Channel).ready, true);

    // Partial edit: the name changes, format and variable stay.
    const renamed = await call(
      channelRoute.PATCH(
        req('PATCH', `/api/alerts/channels/${channelId}`, admin, { name: 'ops-teams' }),
        id(channelId),
      ),
    );
    const edited = renamed.body.channel as Channel;
    assert.deepEqual(
      [edited.name, edited.format, edited.urlEnv],
      ['ops-teams', 'teams-adaptive', 'ALERT_WEBHOOK_ROUTES'],
    );
    const bad = await call(
      channelRoute.PATCH(
        req('PATCH', `/api/alerts/channels/${channelId}`, admin, { urlEnv: 'CONTROL_DB_URL' }),
        id(channelId),
      ),
    );
    assert.equal(bad.status, 400);

    const list = await call(channelsRoute.GET(req('GET', '/api/alerts/channels', admin), undefined));
    assert.deepEqual(
      (list.body.channels as Channel[]).map((c) => [c.name, c.ready]),
      [
        ['admins', true],
        ['ops-teams', true],
      ],
    );
    // The control database holds the name only.
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT config::text AS c FROM alert_channels');
      assert.ok(rows.every((r: { c: string }) => !r.c.includes('T0KEN')));
    } finally {
      await client.end();
    }
  });

  it('sends a test message at once and records it in the history with a link to /alerts', async () => {
    const { status, body } = await call(
      channelTestRoute.POST(req('POST', `/api/alerts/channels/${channelId}/test`, admin, {}), id(channelId)),
    );
    assert.equal(status, 200);
    assert.equal((body.delivery as { status: string }).status, 'sent');
    const card = hook.received.at(-1)!.body as { attachments: { content: { actions: { url: string }[] } }[] };
    assert.equal(card.attachments[0]!.content.actions[0]!.url, 'https://lake.county.example/alerts');
    const history = await call(historyRoute.GET(req('GET', '/api/alerts/history', admin), undefined));
    const [latest] = history.body.deliveries as {
      channelName: string;
      status: string;
      message: { event: string };
    }[];
    assert.deepEqual(
      [latest?.channelName, latest?.status, latest?.message.event],
      ['ops-teams', 'sent', 'test'],
    );
  });

  it('creates and edits rules; unknown kinds, channel ids that are not ids and unknown rules are refused', async () => {
    const created = await call(
      rulesRoute.POST(
        req('POST', '/api/alerts/rules', admin, {
          name: 'checks',
          kind: 'check-failed',
          pipeline: 'permits',
          minSeverity: 'warn',
          channelIds: [channelId],
        }),
        undefined,
      ),
    );
    assert.equal(created.status, 201);
    const rule = created.body.rule as {
      id: string;
      table: string | null;
      notifyRecovery: boolean;
      enabled: boolean;
    };
    assert.deepEqual([rule.table, rule.notifyRecovery, rule.enabled], [null, true, true]);
    const off = await call(
      ruleRoute.PATCH(req('PATCH', `/api/alerts/rules/${rule.id}`, admin, { enabled: false }), id(rule.id)),
    );
    assert.deepEqual(
      [
        (off.body.rule as { enabled: boolean; minSeverity: string }).enabled,
        (off.body.rule as { minSeverity: string }).minSeverity,
      ],
      [false, 'warn'],
    );
    for (const body of [
      { name: 'x', kind: 'disk-full' },
      { name: 'x', kind: 'run-failed', channelIds: ['ops'] },
      { name: '', kind: 'run-failed' },
    ]) {
      assert.equal(
        (await call(rulesRoute.POST(req('POST', '/api/alerts/rules', admin, body), undefined))).status,
        400,
      );
    }
    const missing = '00000000-0000-4000-8000-000000000000';
    const notFound = await call(
      ruleRoute.PATCH(req('PATCH', `/api/alerts/rules/${missing}`, admin, { enabled: true }), id(missing)),
    );
    assert.equal(notFound.status, 404);
    assert.equal(
      (await call(ruleRoute.DELETE(req('DELETE', '/api/alerts/rules/x', admin), id('x')))).status,
      400,
    );
    const rules = await call(rulesRoute.GET(req('GET', '/api/alerts/rules', admin), undefined));
    assert.equal((rules.body.rules as unknown[]).length, 1);
  });
});
