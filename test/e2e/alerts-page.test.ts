// The Alerts page in Chromium over the built app and a real control database: an admin adds a Slack webhook
// channel by the NAME of its URL variable (another secret's variable is refused inline), sees an e-mail channel
// flagged while SMTP is not configured, sends a test to a local webhook receiver, adds a rule; the worker's
// alerts pass (run here in-process on the same store) sends the failed run's alert once, which shows as an open
// incident and in the history; the admin disables and edits the rule and deletes a channel. The webhook URL
// never reaches the page; an analyst gets the access notice and the API refuses them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAlertTick } from '../../server/alerts/alert-tick';
import { loadEnv } from '../../server/config/env';
import { startWebhookReceiver } from '../alerts/alert-servers';
import { offOrigin, startAdminSession } from './admin-session';

test(
  'Alerts page: channels, send test, rules, incidents and history, roles',
  { timeout: 180_000 },
  async (t) => {
    const hook = await startWebhookReceiver();
    t.after(() => hook.close());
    const session = await startAdminSession('e2e_alerts', { env: { ALERT_WEBHOOK_E2E: hook.url } });
    t.after(() => session.close());
    const { page } = await session.as('admin');
    const url = session.server.url;
    const channel = (name: string) => page.locator(`[data-channel="${name}"]`);
    const rule = (name: string) => page.locator(`[data-rule="${name}"]`);
    const createChannel = page.getByTestId('create-channel');

    await t.test('starts empty; the nav links to it', async () => {
      await page.goto(`${url}/alerts`);
      await page.getByText('No channels yet.').waitFor();
      await page.getByText('No rules yet: nothing is sent until one exists.').waitFor();
      assert.equal(
        await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).getAttribute('href'),
        '/alerts',
      );
    });

    await t.test(
      'a channel naming another secret is refused inline; an ALERT_ variable is accepted',
      async () => {
        await createChannel.getByLabel('Name').fill('ops');
        await createChannel.getByLabel('Format').selectOption('slack');
        await createChannel.getByLabel(/^URL variable/).fill('SESSION_SECRET');
        await createChannel.getByRole('button', { name: 'Create channel' }).click();
        const error = page.getByTestId('channel-form-error');
        await error.waitFor();
        assert.match((await error.textContent()) ?? '', /starting with ALERT_/);
        assert.equal(await createChannel.getByLabel('Name').inputValue(), 'ops', 'input kept');

        await createChannel.getByLabel(/^URL variable/).fill('ALERT_WEBHOOK_E2E');
        await createChannel.getByRole('button', { name: 'Create channel' }).click();
        await channel('ops').waitFor();
        assert.match(
          (await channel('ops').getByTestId('channel-target').textContent()) ?? '',
          /Slack \(incoming webhook\) to the URL in ALERT_WEBHOOK_E2E/,
        );
        assert.equal(await channel('ops').getByTestId('channel-problem').count(), 0);
      },
    );

    await t.test('an e-mail channel says what is missing while SMTP is not configured', async () => {
      await createChannel.getByLabel('Name').fill('admins');
      await createChannel.getByLabel('Type').selectOption('email');
      await createChannel.getByLabel(/^To/).fill('ops@county.example, dba@county.example');
      await createChannel.getByRole('button', { name: 'Create channel' }).click();
      await channel('admins').waitFor();
      assert.equal(
        await channel('admins').getByTestId('channel-problem').textContent(),
        'ALERT_SMTP_FROM is not set',
      );
      assert.match((await channel('admins').textContent()) ?? '', /ops@county\.example, dba@county\.example/);
    });

    await t.test('send test reaches the local webhook and shows in the history', async () => {
      await channel('ops').getByRole('button', { name: 'Send test' }).click();
      const feedback = channel('ops').getByTestId('card-feedback');
      await feedback.waitFor();
      assert.equal(await feedback.textContent(), 'Test message sent to ops.');
      assert.equal(hook.received.length, 1);
      assert.match((hook.received[0]!.body as { text: string }).text, /Test message to ops/);
      const row = page.getByTestId('alert-history').locator('tbody tr').first();
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /Test message to ops.*ops.*Sent/);
    });

    await t.test(
      'a rule sends one alert for a failed run, shown as an open incident and in the history',
      async () => {
        const form = page.getByTestId('create-rule');
        await form.getByLabel('Name').fill('failed runs');
        await form.getByLabel('Condition').selectOption('run-failed');
        await form.getByLabel('Pipeline (empty = every pipeline)').fill('roads');
        await form.getByLabel('ops').check();
        await form.getByRole('button', { name: 'Create rule' }).click();
        await rule('failed runs').waitFor();
        assert.match(
          (await rule('failed runs').getByTestId('rule-channels').textContent()) ?? '',
          /^ops, with a recovery message$/,
        );

        const { store } = session.fixture;
        const run = await store.createRun({
          pipeline: 'roads',
          jobType: 'pipeline.run',
          trigger: 'schedule',
          startedAt: new Date(),
        });
        await store.finishRun(run.id, {
          status: 'failed',
          error: { message: 'Oracle listener refused' },
          now: new Date(),
        });
        const deps = {
          store,
          env: loadEnv({}),
          processEnv: { ALERT_WEBHOOK_E2E: hook.url },
          now: () => new Date(),
          readSyncStatus: null,
          baseUrl: url,
          maxAttempts: 3,
          owner: 'e2e',
          log: () => undefined,
        };
        assert.equal((await runAlertTick(deps)).sent, 1);
        assert.equal((await runAlertTick(deps)).sent, 0, 'one message per incident');
        assert.equal(hook.received.length, 2);

        await page.reload();
        const incident = page.getByTestId('open-incidents').getByRole('link');
        await incident.waitFor();
        assert.equal(await incident.textContent(), 'roads: pipeline.run run failed');
        assert.equal(await incident.getAttribute('href'), `${url}/pipelines?run=${run.id}`);
        const latest = page.getByTestId('alert-history').locator('tbody tr').first();
        assert.match((await latest.textContent()) ?? '', /roads: pipeline\.run run failed.*ops.*Sent/);
      },
    );

    await t.test('disable, edit and delete', async () => {
      await rule('failed runs').getByRole('button', { name: 'Disable' }).click();
      await rule('failed runs').getByText('Disabled', { exact: true }).waitFor();
      await rule('failed runs').getByRole('button', { name: 'Edit' }).click();
      const edit = rule('failed runs').getByTestId('edit-rule');
      await edit.getByLabel('Name').fill('roads failures');
      await edit.getByRole('button', { name: 'Save rule' }).click();
      await rule('roads failures').waitFor();

      await channel('admins').getByRole('button', { name: 'Delete' }).click();
      await channel('admins').getByRole('button', { name: 'Delete admins' }).click();
      await page.locator('[data-channel="admins"]').waitFor({ state: 'detached' });
      const rules = (await (await session.call('admin', 'GET', '/api/alerts/rules')).json()) as {
        rules: { name: string; enabled: boolean }[];
      };
      assert.deepEqual(
        rules.rules.map((r) => [r.name, r.enabled]),
        [['roads failures', false]],
      );
      assert.ok(!(await page.content()).includes('T0KEN'), 'the webhook URL never reaches the page');
    });

    await t.test('an analyst sees the access notice and the API refuses them', async () => {
      const analyst = await session.as('analyst');
      await analyst.page.goto(`${url}/alerts`);
      await analyst.page.getByTestId('access-notice').waitFor();
      assert.equal((await session.call('analyst', 'GET', '/api/alerts/channels')).status, 403);
      assert.deepEqual(offOrigin(session), []);
      // Chromium logs every 4xx answer as a console error: the refused channel (400) this test provoked on
      // purpose (the analyst's 403 came from outside the browser), and nothing else.
      assert.deepEqual(
        session.consoleErrors.map((text) => /status of (\d+)/.exec(text)?.[1] ?? text),
        ['400'],
      );
    });
  },
);
