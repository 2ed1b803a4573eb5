// Delivery of a stored notebook run to a local SMTP server and a local webhook receiver (never the network):
// recipients, the summary, the CSV attachment's content against the Parquet it came from, the size cap, links
// only, a failed run reaching its owner, failing targets reported without stopping the others, and invalid
// settings said plainly.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AlertChannel } from '../../server/alerts/types';
import { loadEnv } from '../../server/config/env';
import {
  deliverNotebookRun,
  describeSettingsError,
  notebookRunDeliverer,
} from '../../server/delivery/deliver-run';
import type { DeliveryDeps } from '../../server/delivery/delivery-deps';
import { deliverySettingsSchema, type DeliverySettings } from '../../server/delivery/delivery-settings';
import type { NotebookRunManifest } from '../../server/notebook-runs/types';
import { readXlsx } from '../../server/notebooks/xlsx';
import {
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from '../alerts/alert-servers';
import { parseCsv, parseMail, textOf } from './parse-mail';
import { BIG_SQL, PERMITS_SQL, writeRunFixture } from './run-fixture';

const account = { user: 'reports', pass: 'smtp-pa55word' };
const ORIGIN = 'https://lake.county.example';
const at = new Date('2026-12-05T07:00:13.000Z');
const channel = (id: string, fields: Partial<AlertChannel> & Pick<AlertChannel, 'name'>): AlertChannel =>
  ({
    id,
    enabled: true,
    createdAt: at,
    updatedAt: at,
    type: 'webhook',
    format: 'json',
    urlEnv: 'ALERT_HOOK_REPORTS',
    ...fields,
  }) as AlertChannel;

let dir: string;
let smtp: SmtpReceiver;
let hook: WebhookReceiver;
let slack: WebhookReceiver;
let permitsRun: NotebookRunManifest;
let bothRun: NotebookRunManifest;

const channels = () => [
  channel('c-json', { name: 'ops' }),
  channel('c-slack', {
    name: 'reports-slack',
    format: 'slack',
    urlEnv: 'ALERT_HOOK_SLACK',
  } as Partial<AlertChannel> & Pick<AlertChannel, 'name'>),
  channel('c-off', { name: 'old', enabled: false }),
  channel('c-unset', { name: 'unset', urlEnv: 'ALERT_HOOK_UNSET' } as Partial<AlertChannel> &
    Pick<AlertChannel, 'name'>),
  {
    id: 'c-mail',
    name: 'mail',
    enabled: true,
    createdAt: at,
    updatedAt: at,
    type: 'email',
    to: ['x@y.org'],
  } as AlertChannel,
];

const users: Record<string, string | undefined> = {
  bea: 'bea@county.example',
  ana: 'ana@county.example',
  cy: undefined,
};

function deps(overrides: Partial<DeliveryDeps> = {}, smtpPort = smtp.port): DeliveryDeps {
  return {
    env: loadEnv({
      ALERT_SMTP_HOST: '127.0.0.1',
      ALERT_SMTP_PORT: String(smtpPort),
      ALERT_SMTP_USER: account.user,
      ALERT_SMTP_PASSWORD: account.pass,
      ALERT_SMTP_FROM: 'lakehouse@county.example',
    }),
    processEnv: { ALERT_HOOK_REPORTS: hook.url, ALERT_HOOK_SLACK: slack.url },
    now: () => at,
    origin: ORIGIN,
    notebooksDir: dir,
    getChannel: async (id) => channels().find((c) => c.id === id) ?? null,
    findUser: async (username) =>
      username in users ? { username, ...(users[username] ? { email: users[username] } : {}) } : undefined,
    timeoutMs: 5_000,
    ...overrides,
  };
}

const settings = (input: Partial<DeliverySettings>): DeliverySettings => deliverySettingsSchema.parse(input);
const mailTo = (address: string) => {
  const mail = smtp.mails.find((m) => m.to.includes(address));
  assert.ok(mail, `no mail to ${address}; got ${JSON.stringify(smtp.mails.map((m) => m.to))}`);
  return parseMail(mail.raw);
};

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'delivery-'));
  smtp = await startSmtpReceiver(account);
  hook = await startWebhookReceiver();
  slack = await startWebhookReceiver();
  permitsRun = (await writeRunFixture(dir, { permits_by_month: PERMITS_SQL })).manifest;
  bothRun = (await writeRunFixture(dir, { permits_by_month: PERMITS_SQL, all_parcels: BIG_SQL })).manifest;
});
after(async () => {
  await Promise.all([smtp.close(), hook.close(), slack.close()]);
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  smtp.mails.length = 0;
  hook.received.length = 0;
  slack.received.length = 0;
});

describe('deliverNotebookRun', () => {
  it('mails each address and user once with the summary and the CSV of the Parquet output, and posts to webhooks', async () => {
    const lines = await deliverNotebookRun(
      permitsRun,
      settings({
        targets: [
          { kind: 'email', to: 'clerk@county.example' },
          { kind: 'user', username: 'bea' },
          { kind: 'email', to: 'BEA@county.example' },
          { kind: 'webhook', channelId: 'c-json' },
          { kind: 'webhook', channelId: 'c-slack' },
        ],
      }),
      deps(),
      { username: 'ana' },
    );
    assert.deepEqual(
      lines.map((l) => [l.target, l.ok]),
      [
        ['clerk@county.example', true],
        ['user bea, BEA@county.example', true],
        ['webhook ops', true],
        ['webhook reports-slack', true],
      ],
      JSON.stringify(lines),
    );
    assert.match(
      lines[0]!.detail,
      /sent to clerk@county\.example with an attachment \(permits_by_month\.csv\)/,
    );
    // One mail per address, each to that address alone; the owner is not mailed for a successful run.
    assert.deepEqual(smtp.mails.map((m) => m.to).sort(), [['bea@county.example'], ['clerk@county.example']]);

    const mail = mailTo('clerk@county.example');
    assert.match(mail.headers.subject!, /\[REPORT\] Permits week: run succeeded/);
    const text = textOf(mail).replace(/\r\n/g, '\n');
    assert.match(text, /Notebook "Permits week": run succeeded/);
    assert.match(text, /Started 2026-12-05 07:00:00 UTC on schedule, took 12\.4 s/);
    assert.match(text, /Parameters: district = "North"/);
    assert.match(text, /Versions read: parcels v7, permits v41/);
    assert.match(text, /permits_by_month: 3 rows, attached as permits_by_month\.csv/);
    assert.ok(text.includes(`Run: ${ORIGIN}/workbench/permits-week?run=${permitsRun.runId}`), text);

    const attachment = mail.parts.find((p) => p.filename === 'permits_by_month.csv');
    assert.ok(attachment, 'the CSV is attached');
    assert.equal(attachment.contentType, 'text/csv');
    assert.deepEqual(parseCsv(attachment.body.toString('utf8')), [
      ['month', 'district', 'permits', 'fees', 'active', 'note'],
      ['2026-11-01', 'North', '12', '1530.50', 'true', ''],
      ['2026-11-01', 'South, "old town"', '7', '880.00', 'false', 'reviewed'],
      ['2026-10-01', 'North', '9', '1012.25', 'true', 'line one\nline two'],
    ]);

    assert.equal(hook.received.length, 1);
    const body = hook.received[0]!.body as Record<string, unknown>;
    assert.equal(body.event, 'notebook.run');
    assert.equal(body.status, 'succeeded');
    assert.equal(body.link, `${ORIGIN}/workbench/permits-week?run=${permitsRun.runId}`);
    assert.equal(body.summary, text.trimEnd());
    assert.deepEqual(body.versions, { permits: 41, parcels: 7 });
    const [output] = body.outputs as { name: string; rows: number; links: Record<string, string> }[];
    assert.equal(output!.name, 'permits_by_month');
    assert.equal(output!.rows, 3);
    assert.equal(
      output!.links.csv,
      `${ORIGIN}/api/notebooks/permits-week/runs/${permitsRun.runId}/outputs/permits_by_month?format=csv`,
    );

    // Slack gets the alerts' Block Kit message with a [REPORT] header and the run's link as its button.
    const slackBody = slack.received[0]!.body as {
      text: string;
      blocks: { type: string; text?: { text: string } }[];
    };
    assert.match(slackBody.text, /^\[REPORT\] Permits week: run succeeded/);
    assert.match(slackBody.blocks[1]!.text!.text, /permits_by_month: 3 rows/);
  });

  it('attaches within the cap and sends a link for what does not fit, saying so', async () => {
    const lines = await deliverNotebookRun(
      bothRun,
      settings({ targets: [{ kind: 'email', to: 'clerk@county.example' }] }),
      deps({ attachmentCapBytes: 500_000 }),
      { username: 'ana' },
    );
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.ok, lines[0]!.detail);
    const mail = mailTo('clerk@county.example');
    assert.deepEqual(
      mail.parts.filter((p) => p.filename).map((p) => p.filename),
      ['permits_by_month.csv'],
    );
    const text = textOf(mail);
    assert.match(
      text,
      new RegExp(
        `all_parcels: 60,000 rows, not attached \\(over the 488 KB attachment limit\\); download: ${ORIGIN}/api/notebooks/permits-week/runs/${bothRun.runId}/outputs/all_parcels\\?format=csv`,
      ),
    );
  });

  it('with a large enough cap attaches every output, the big one complete', async () => {
    await deliverNotebookRun(
      bothRun,
      settings({ targets: [{ kind: 'email', to: 'clerk@county.example' }], outputs: ['all_parcels'] }),
      deps(),
      { username: 'ana' },
    );
    const mail = mailTo('clerk@county.example');
    const csv = mail.parts.find((p) => p.filename === 'all_parcels.csv');
    assert.ok(csv);
    assert.equal(mail.parts.filter((p) => p.filename).length, 1, 'only the chosen output');
    const rows = parseCsv(csv.body.toString('utf8'));
    assert.equal(rows.length, 60_001);
    assert.deepEqual(rows[0], ['id', 'address', 'area']);
    assert.deepEqual(rows[60_000], ['59999', 'parcel 59999', '89998.5']);
  });

  it('xlsx format attaches Excel files whose cells keep their types', async () => {
    const { manifest } = await writeRunFixture(
      dir,
      {
        permits_by_month: PERMITS_SQL,
        inspections: `SELECT TIMESTAMP '2026-11-03 14:30:00' AS at, TIMESTAMPTZ '2026-11-03 14:30:00+02' AS at_tz,
                        123456789012::BIGINT AS parcel`,
      },
      { runId: 'run-xlsx' },
    );
    const lines = await deliverNotebookRun(
      manifest,
      settings({ targets: [{ kind: 'email', to: 'clerk@county.example' }], format: 'xlsx' }),
      deps(),
      { username: 'ana' },
    );
    assert.match(lines[0]!.detail, /with 2 attachments \(permits_by_month\.xlsx, inspections\.xlsx\)/);
    const mail = mailTo('clerk@county.example');
    const file = (name: string) => {
      const part = mail.parts.find((p) => p.filename === name);
      assert.ok(part, `${name} attached`);
      assert.equal(part.contentType, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      return readXlsx(new Uint8Array(part.body));
    };
    const [permits] = file('permits_by_month.xlsx');
    assert.equal(permits!.name, 'permits_by_month');
    assert.deepEqual(
      permits!.columns.map((c) => c.name),
      ['month', 'district', 'permits', 'fees', 'active', 'note'],
    );
    assert.deepEqual(permits!.rows, [
      [new Date('2026-11-01T00:00:00Z'), 'North', 12, 1530.5, true, null],
      [new Date('2026-11-01T00:00:00Z'), 'South, "old town"', 7, 880, false, 'reviewed'],
      [new Date('2026-10-01T00:00:00Z'), 'North', 9, 1012.25, true, 'line one\nline two'],
    ]);
    const [inspections] = file('inspections.xlsx');
    assert.deepEqual(inspections!.rows, [
      [new Date('2026-11-03T14:30:00Z'), new Date('2026-11-03T12:30:00Z'), 123456789012],
    ]);
    assert.deepEqual(
      inspections!.columns.map((c) => c.type),
      ['TIMESTAMP', 'TIMESTAMP', 'BIGINT'],
    );
  });

  it('link format sends links only', async () => {
    const lines = await deliverNotebookRun(
      permitsRun,
      settings({ targets: [{ kind: 'email', to: 'clerk@county.example' }], format: 'link' }),
      deps(),
      { username: 'ana' },
    );
    assert.equal(lines[0]!.detail, 'sent to clerk@county.example');
    const mail = mailTo('clerk@county.example');
    assert.equal(mail.parts.filter((p) => p.filename).length, 0);
    assert.match(
      textOf(mail),
      /permits_by_month: 3 rows, download: https:\/\/lake\.county\.example\/api\/notebooks\/permits-week\/runs\/.+\/outputs\/permits_by_month\?format=csv/,
    );
  });

  it('a failed run reaches the owner and the targets, with the error and no attachment', async () => {
    const failed: NotebookRunManifest = {
      ...permitsRun,
      status: 'failed',
      error: 'cell 2 (by_month): Binder Error: column "distrct" not found',
    };
    const lines = await deliverNotebookRun(
      failed,
      settings({
        targets: [
          { kind: 'email', to: 'clerk@county.example' },
          { kind: 'webhook', channelId: 'c-json' },
        ],
        onSuccess: false,
      }),
      deps(),
      { username: 'ana' },
    );
    assert.deepEqual(
      lines.map((l) => [l.target, l.ok]),
      [
        ['owner ana', true],
        ['clerk@county.example', true],
        ['webhook ops', true],
      ],
    );
    const mail = mailTo('ana@county.example');
    assert.match(mail.headers.subject!, /\[FAILED\] Permits week: scheduled run failed/);
    assert.match(textOf(mail), /Error: cell 2 \(by_month\): Binder Error: column "distrct" not found/);
    assert.equal(mail.parts.filter((p) => p.filename).length, 0);
    assert.equal((hook.received[0]!.body as { status: string }).status, 'failed');
  });

  it('a failed run with no targets still mails the owner; an owner without an address is reported', async () => {
    const failed: NotebookRunManifest = { ...permitsRun, status: 'failed', error: 'timeout after 300 s' };
    const sent = await deliverNotebookRun(failed, settings({}), deps(), { username: 'bea' });
    assert.deepEqual(
      sent.map((l) => [l.target, l.ok, l.detail]),
      [['owner bea', true, 'sent to bea@county.example']],
    );
    const given = await deliverNotebookRun(failed, settings({}), deps(), {
      username: 'zed',
      email: 'zed@county.example',
    });
    assert.equal(given[0]!.detail, 'sent to zed@county.example');
    const nobody = await notebookRunDeliverer(deps())(failed, settings({}), null);
    assert.deepEqual(
      nobody.map((l) => [l.target, l.ok]),
      [['owner', false]],
    );
    assert.match(nobody[0]!.detail, /the notebook has no owner/);
    const byName = await notebookRunDeliverer(deps())(failed, settings({}), 'bea');
    assert.equal(byName[0]!.detail, 'sent to bea@county.example');
    const missing = await deliverNotebookRun(failed, settings({}), deps(), { username: 'cy' });
    assert.equal(missing.length, 1);
    assert.equal(missing[0]!.ok, false);
    assert.match(
      missing[0]!.detail,
      /cy has no e-mail in the users file \(npm run users -- set-email cy <address>\)/,
    );
  });

  it('a successful run with onSuccess off sends nothing', async () => {
    const lines = await deliverNotebookRun(
      permitsRun,
      settings({ targets: [{ kind: 'email', to: 'clerk@county.example' }], onSuccess: false }),
      deps(),
      { username: 'ana' },
    );
    assert.deepEqual(lines, []);
    assert.equal(smtp.mails.length, 0);
  });

  it('SMTP down: the e-mail line says so and the webhook is still posted', async () => {
    const closed = await freePort();
    const lines = await deliverNotebookRun(
      permitsRun,
      settings({
        targets: [
          { kind: 'email', to: 'clerk@county.example' },
          { kind: 'webhook', channelId: 'c-json' },
        ],
      }),
      deps({}, closed),
      { username: 'ana' },
    );
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.ok, false);
    assert.match(
      lines[0]!.detail,
      /e-mail to clerk@county\.example not sent: SMTP: server not reached \(ESOCKET\)/,
    );
    assert.doesNotMatch(lines[0]!.detail, /pa55word/);
    assert.deepEqual([lines[1]!.target, lines[1]!.ok], ['webhook ops', true]);
    assert.equal(hook.received.length, 1);
  });

  it('webhook 500, unknown, disabled, unset and non-webhook channels are reported and the e-mail still goes', async () => {
    hook.failNext(1, 500);
    const lines = await deliverNotebookRun(
      permitsRun,
      settings({
        targets: [
          { kind: 'webhook', channelId: 'c-json' },
          { kind: 'webhook', channelId: 'c-gone' },
          { kind: 'webhook', channelId: 'c-off' },
          { kind: 'webhook', channelId: 'c-unset' },
          { kind: 'webhook', channelId: 'c-mail' },
          { kind: 'user', username: 'nobody' },
          { kind: 'email', to: 'clerk@county.example' },
        ],
      }),
      deps(),
      { username: 'ana' },
    );
    const byTarget = Object.fromEntries(lines.map((l) => [l.target, l]));
    assert.equal(byTarget['clerk@county.example']!.ok, true);
    assert.equal(smtp.mails.length, 1);
    assert.equal(byTarget['webhook ops']!.ok, false);
    assert.match(
      byTarget['webhook ops']!.detail,
      /webhook \(ALERT_HOOK_REPORTS\) answered 500: receiver down/,
    );
    assert.doesNotMatch(byTarget['webhook ops']!.detail, /T0KEN/);
    assert.match(byTarget['webhook c-gone']!.detail, /no alert channel c-gone/);
    assert.match(byTarget['webhook old']!.detail, /alert channel "old" is disabled/);
    assert.match(byTarget['webhook unset']!.detail, /ALERT_HOOK_UNSET is not set/);
    assert.match(byTarget['webhook mail']!.detail, /alert channel "mail" is not a webhook/);
    assert.match(byTarget['user nobody']!.detail, /nobody has no e-mail in the users file/);
    assert.equal(lines.filter((l) => !l.ok).length, 6);
  });

  it('invalid settings are said plainly; only the owner of a failed run is notified', async () => {
    const bad = {
      targets: [
        { kind: 'email', to: 'not an address' },
        { kind: 'fax', to: '555' },
      ],
      format: 'pdf',
    };
    const problem = describeSettingsError(bad);
    assert.match(problem!, /targets\.0\.to: /);
    assert.match(problem!, /targets\.1\.kind: /);
    assert.match(problem!, /format: /);
    assert.equal(describeSettingsError({ targets: [] }), null);

    const ok = await deliverNotebookRun(permitsRun, bad as unknown as DeliverySettings, deps(), {
      username: 'ana',
    });
    assert.deepEqual(
      ok.map((l) => [l.target, l.ok]),
      [['settings', false]],
    );
    assert.match(ok[0]!.detail, /^delivery settings are invalid: targets\.0\.to: /);
    assert.equal(smtp.mails.length, 0);

    const failed = await deliverNotebookRun(
      { ...permitsRun, status: 'failed', error: 'boom' },
      bad as unknown as DeliverySettings,
      deps(),
      { username: 'ana' },
    );
    assert.deepEqual(
      failed.map((l) => [l.target, l.ok]),
      [
        ['settings', false],
        ['owner ana', true],
      ],
    );
  });

  it('a missing output file is reported in the summary and the rest still goes', async () => {
    const broken: NotebookRunManifest = {
      ...permitsRun,
      outputs: [...permitsRun.outputs, { ...permitsRun.outputs[0]!, name: 'lost', file: 'lost.parquet' }],
    };
    const lines = await deliverNotebookRun(
      broken,
      settings({ targets: [{ kind: 'email', to: 'clerk@county.example' }] }),
      deps(),
      { username: 'ana' },
    );
    assert.ok(lines[0]!.ok, lines[0]!.detail);
    const mail = mailTo('clerk@county.example');
    assert.deepEqual(
      mail.parts.filter((p) => p.filename).map((p) => p.filename),
      ['permits_by_month.csv'],
    );
    assert.match(textOf(mail), /lost: 3 rows, not attached \(its stored file is missing\); download: /);
  });
});

/** A port nothing listens on: bound once by us, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
