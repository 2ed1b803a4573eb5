// The Schedules page in Chromium over schedules created through a real Agenda (createSchedule): the list with
// cron descriptions, next runs and last runs; an admin creates (bad cron refused inline, then fixed), edits,
// pauses, resumes, runs now (CONFLICT shown as its message) and deletes, each then listed in the audit list with
// the admin's name; an analyst sees no actions and the server refuses them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offOrigin, startAdminSession } from './admin-session';

test(
  'Schedules page: list, create, edit, pause, resume, run now, delete, roles',
  { timeout: 180_000 },
  async (t) => {
    const session = await startAdminSession('e2e_schedules');
    t.after(() => session.close());
    const { runs } = session.fixture;
    const { page } = await session.as('admin');
    const url = session.server.url;
    const card = (name: string) => page.locator(`[data-schedule="${name}"]`);
    const feedback = (name: string) => card(name).getByTestId('schedule-feedback');

    await t.test('lists schedules with cron, description, zone, next 5 runs and last run', async () => {
      await page.goto(`${url}/schedules`);
      await card('permits-hourly').waitFor();
      const permits = card('permits-hourly');
      assert.equal(await permits.getByTestId('cron').textContent(), '0 * * * *');
      assert.equal(await permits.getByTestId('cron-description').textContent(), 'Every hour');
      assert.match((await permits.textContent()) ?? '', /UTC/);
      const next = await permits
        .getByTestId('next-runs')
        .locator('time')
        .evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
      assert.equal(next.length, 5);
      for (const at of next) assert.equal(new Date(at!).getUTCMinutes(), 0, `${at} is on the hour`);
      assert.ok(Date.parse(next[0]!) > Date.now() - 1000);
      // The latest permits run is the succeeded manual one.
      const last = permits.getByTestId('last-run');
      assert.equal(await last.locator('[data-status]').textContent(), 'Succeeded');
      assert.equal(await last.getByRole('link').getAttribute('href'), `/pipelines?run=${runs.succeeded.id}`);
      const inspections = card('inspections-hourly');
      assert.match((await inspections.textContent()) ?? '', /America\/Chicago/);
      assert.equal(
        await inspections.getByRole('link', { name: 'Running now' }).getAttribute('href'),
        `/pipelines?run=${runs.running.id}`,
      );
    });

    await t.test(
      'create: a bad cron is refused inline and kept for the fix; the fixed one is created',
      async () => {
        const form = page.getByTestId('create-schedule');
        await form.getByLabel('Name').fill('permits-quarter');
        await form.getByLabel('Job').selectOption('sync.run');
        await form.getByLabel('Target (pipeline or table)').fill('permits');
        await form.getByLabel('Cron (minute hour day month weekday)').fill('61 * * * *');
        await form.getByRole('button', { name: 'Create schedule' }).click();
        const error = page.getByTestId('create-error');
        await error.waitFor();
        assert.match((await error.textContent()) ?? '', /"61 \* \* \* \*" is not a valid cron expression/);
        assert.equal(await form.getByLabel('Name').inputValue(), 'permits-quarter', 'input kept');
        assert.equal(await card('permits-quarter').count(), 0);

        await form.getByLabel('Cron (minute hour day month weekday)').fill('*/15 * * * *');
        await form.getByRole('button', { name: 'Create schedule' }).click();
        await card('permits-quarter').waitFor();
        assert.equal(await page.getByTestId('create-error').count(), 0);
        assert.equal(
          await card('permits-quarter').getByTestId('cron-description').textContent(),
          'Every 15 minutes',
        );
        assert.match((await card('permits-quarter').textContent()) ?? '', /sync\.run on permits/);
      },
    );

    await t.test('edit: a bad time zone is refused inline; a new cron is saved', async () => {
      const c = card('permits-quarter');
      await c.getByRole('button', { name: 'Edit' }).click();
      await c.getByLabel('Time zone').fill('Mars/Olympus');
      await c.getByRole('button', { name: 'Save' }).click();
      await c.getByTestId('edit-error').waitFor();
      assert.match(
        (await c.getByTestId('edit-error').textContent()) ?? '',
        /"Mars\/Olympus" is not a time zone/,
      );
      await c.getByLabel('Time zone').fill('Europe/Paris');
      await c.getByLabel('Cron').fill('0 6 * * 1-5');
      await c.getByRole('button', { name: 'Save' }).click();
      await page.waitForFunction(
        (el) => el?.textContent === '0 6 * * 1-5',
        await c.getByTestId('cron').elementHandle(),
      );
      assert.match(
        (await c.getByTestId('cron-description').textContent()) ?? '',
        /06:00.*Monday through Friday/,
      );
      assert.match((await c.textContent()) ?? '', /Europe\/Paris/);
    });

    await t.test('pause and resume', async () => {
      const c = card('permits-quarter');
      await c.getByRole('button', { name: 'Pause' }).click();
      await c.getByRole('button', { name: 'Resume' }).waitFor();
      assert.match((await c.textContent()) ?? '', /Paused[\s\S]*none while paused/);
      const paused = await session.call('admin', 'GET', '/api/schedules');
      const stored = ((await paused.json()) as { schedules: { name: string; paused: boolean }[] }).schedules;
      assert.equal(stored.find((s) => s.name === 'permits-quarter')?.paused, true);
      await c.getByRole('button', { name: 'Resume' }).click();
      await c.getByRole('button', { name: 'Pause' }).waitFor();
      await c.getByTestId('next-runs').waitFor();
      assert.equal(await c.getByTestId('next-runs').locator('li').count(), 5);
    });

    await t.test('run now: queued, then a second click answers the CONFLICT plainly', async () => {
      const c = card('permits-hourly');
      await c.getByRole('button', { name: 'Run now' }).click();
      await feedback('permits-hourly')
        .filter({ hasText: /queued/ })
        .waitFor();
      assert.match((await feedback('permits-hourly').textContent()) ?? '', /Run of permits queued/);
      await c.getByRole('button', { name: 'Run now' }).click();
      // A locator, not an element handle: React replaces the feedback line while the second answer arrives.
      await feedback('permits-hourly')
        .filter({ hasText: /already queued/ })
        .waitFor();
      assert.equal(await feedback('permits-hourly').getAttribute('role'), 'alert');
      const running = card('inspections-hourly');
      await running.getByRole('button', { name: 'Run now' }).click();
      await feedback('inspections-hourly').waitFor();
      assert.match(
        (await feedback('inspections-hourly').textContent()) ?? '',
        new RegExp(`inspections is already running \\(run ${runs.running.id}\\)`),
      );
    });

    await t.test('delete asks for confirmation, "Keep it" keeps it, confirming deletes it', async () => {
      const c = card('permits-quarter');
      await c.getByRole('button', { name: 'Delete', exact: true }).click();
      await c.getByRole('button', { name: 'Keep it' }).click();
      assert.equal(await c.getByRole('button', { name: 'Delete permits-quarter' }).count(), 0);
      await c.getByRole('button', { name: 'Delete', exact: true }).click();
      await c.getByRole('button', { name: 'Delete permits-quarter' }).click();
      await c.waitFor({ state: 'detached' });
      const list = await (await session.call('admin', 'GET', '/api/schedules')).json();
      assert.deepEqual(
        (list as { schedules: { name: string }[] }).schedules.map((s) => s.name),
        ['inspections-hourly', 'permits-hourly'],
      );
    });

    await t.test(
      'the audit list names who changed what and when, newest first, refusals left out',
      async () => {
        const audit = page.getByTestId('schedule-changes');
        await audit.locator('tr[data-action="delete"]').waitFor();
        const rows = await audit
          .locator('tbody tr')
          .evaluateAll((els) =>
            els.map((e) => [
              e.getAttribute('data-change-schedule'),
              e.getAttribute('data-action'),
              e.querySelector('[data-field="actor"]')?.textContent,
            ]),
          );
        // The run now refused with CONFLICT changed nothing and is not listed.
        assert.deepEqual(rows, [
          ['permits-quarter', 'delete', 'ada'],
          ['permits-hourly', 'run-now', 'ada'],
          ['permits-quarter', 'resume', 'ada'],
          ['permits-quarter', 'pause', 'ada'],
          ['permits-quarter', 'edit', 'ada'],
          ['permits-quarter', 'create', 'ada'],
        ]);
        const edit = audit.locator('tr[data-action="edit"] [data-field="change"]');
        assert.equal(
          await edit.textContent(),
          'cron: */15 * * * * → 0 6 * * 1-5; timezone: UTC → Europe/Paris',
        );
        const pause = audit.locator('tr[data-action="pause"] [data-field="change"]');
        assert.equal(await pause.textContent(), 'paused: false → true');
      },
    );

    await t.test('an analyst sees no schedules or actions, and the server refuses the actions', async () => {
      const analyst = await session.as('analyst');
      await analyst.page.goto(`${url}/schedules`);
      const notice = analyst.page.getByTestId('access-notice');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /analyst[\s\S]*schedules:read/);
      assert.equal(await analyst.page.getByRole('button').count(), 0);
      assert.equal(await analyst.page.getByTestId('create-schedule').count(), 0);
      const refused = [
        await session.call('analyst', 'GET', '/api/schedules'),
        await session.call('analyst', 'POST', '/api/schedules', {
          name: 'sneaky',
          jobType: 'sync.run',
          target: 'permits',
          cron: '0 * * * *',
        }),
        await session.call('analyst', 'PATCH', '/api/schedules/permits-hourly', { paused: true }),
        await session.call('analyst', 'POST', '/api/schedules/permits-hourly/run', {}),
        await session.call('analyst', 'DELETE', '/api/schedules/permits-hourly'),
        await session.call('analyst', 'GET', '/api/schedule-changes'),
      ];
      for (const response of refused) {
        assert.equal(response.status, 403);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
      }
      const after = await (await session.call('admin', 'GET', '/api/schedules')).json();
      const permits = (after as { schedules: { name: string; paused: boolean }[] }).schedules.find(
        (s) => s.name === 'permits-hourly',
      );
      assert.equal(permits?.paused, false, 'the refused PATCH changed nothing');
    });

    await t.test('no request left the origin, none failed; only the refusals shown were logged', () => {
      assert.deepEqual(offOrigin(session), []);
      assert.deepEqual(session.failed, []);
      // Chromium logs every 4xx answer as a console error: the bad cron and time zone (400) and the two
      // run-now refusals (409) this test provoked on purpose, and nothing else.
      const unexpected = session.consoleErrors.filter((text) => !/status of (400|409)/.test(text));
      assert.deepEqual(unexpected, []);
      assert.equal(session.consoleErrors.filter((text) => /status of 409/.test(text)).length, 2);
    });
  },
);
