// The Pipelines page in Chromium over a control database filled through the real store: runs grouped by
// pipeline with per-stage progress, a run's detail with logs and a collapsed stack, live progress while a
// run runs (and no polling while the tab is hidden), Cancel and Reconcile for admins, nothing for analysts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { offOrigin, startAdminSession } from './admin-session';

/** What the browser does when the tab is hidden or shown again (headless tabs never hide on their own).
 * A string, because tsx's helper names (__name) do not exist inside the page. */
function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  return page.evaluate(`(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

test(
  'Pipelines page: runs, progress, detail, live updates, cancel, roles',
  { timeout: 180_000 },
  async (t) => {
    const session = await startAdminSession('e2e_pipelines');
    t.after(() => session.close());
    const { runs, store } = session.fixture;
    const { page } = await session.as('admin');
    const url = session.server.url;

    await t.test('lists each pipeline with its runs and per-stage counts', async (st) => {
      const started = Date.now();
      await page.goto(`${url}/pipelines`);
      const permits = page.locator('[data-pipeline="permits"]');
      await permits.waitFor();
      st.diagnostic(
        `navigation to runs on screen: ${Date.now() - started} ms (first page of a fresh server)`,
      );
      assert.equal(await page.getByTestId('not-built').count(), 0);
      const okRow = permits.locator(`tr[data-run-id="${runs.succeeded.id}"]`);
      assert.equal(await okRow.locator('[data-status]').textContent(), 'Succeeded');
      assert.equal(await okRow.locator('[data-field="rowsExtracted"]').textContent(), '12,345');
      assert.equal(await okRow.locator('[data-field="files"]').textContent(), '3');
      assert.equal(await okRow.locator('[data-field="deltaVersion"]').textContent(), '7');
      assert.equal(await okRow.locator('[data-field="rowsSynced"]').textContent(), '12,345');
      assert.match((await okRow.textContent()) ?? '', /manual/);
      assert.match((await okRow.textContent()) ?? '', /3 min 0 s/);
      const failedRow = permits.locator(`tr[data-run-id="${runs.failed.id}"]`);
      assert.equal(await failedRow.locator('[data-status]').textContent(), 'Failed');
      assert.equal(await failedRow.locator('[data-field="deltaVersion"]').textContent(), '—');
      assert.match(
        (await permits.getByTestId('pipeline-schedule').textContent()) ?? '',
        /permits-hourly: Every hour/,
      );
      const inspections = page.locator('[data-pipeline="inspections"]');
      assert.equal(await inspections.locator('[data-status]').first().textContent(), 'Running');
    });

    await t.test('the status filter asks the API for failed runs only, and back', async () => {
      await page
        .getByRole('navigation', { name: 'Filter runs by status' })
        .getByRole('link', { name: 'Failed' })
        .click();
      await page.waitForURL(`${url}/pipelines?status=failed`);
      await page.locator('[data-pipeline="inspections"]').waitFor({ state: 'detached' });
      const rows = await page
        .locator('tr[data-run-id]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
      assert.deepEqual(rows, [runs.failed.id]);
      assert.ok(session.requested.some((u) => u.endsWith('/api/runs?limit=200&status=failed')));
      await page
        .getByRole('navigation', { name: 'Filter runs by status' })
        .getByRole('link', { name: 'All runs' })
        .click();
      await page.locator('[data-pipeline="inspections"]').waitFor();
    });

    await t.test('a failed run shows its error, the stack collapsed, and its log', async () => {
      await page.locator(`tr[data-run-id="${runs.failed.id}"] a`).click();
      await page.waitForURL(`${url}/pipelines?run=${runs.failed.id}`);
      const detail = page.getByTestId('run-detail');
      await detail.getByTestId('run-error').waitFor();
      assert.match((await detail.getByTestId('run-error').textContent()) ?? '', /LAKE_WRITE[\s\S]*disk full/);
      const stack = detail.locator('details pre');
      assert.equal(await stack.isVisible(), false, 'stack starts collapsed');
      await detail.getByText('Stack trace').click();
      assert.ok(await stack.isVisible());
      assert.match((await stack.textContent()) ?? '', /commitDelta/);
      const log = (await detail.getByTestId('run-log').textContent()) ?? '';
      assert.match(log, /extracting county_ops\.public\.permits[\s\S]*apply failed: disk full/);
      assert.equal(
        await detail.getByRole('button', { name: 'Cancel run' }).count(),
        0,
        'finished: no cancel',
      );
    });

    await t.test('a running run updates live, and an admin can cancel it', async (st) => {
      await page.goto(`${url}/pipelines?run=${runs.running.id}`);
      const detail = page.getByTestId('run-detail');
      const extracted = detail.locator('[data-testid="run-progress"] [data-field="rowsExtracted"] dd');
      await page.waitForFunction((el) => el?.textContent === '100', await extracted.elementHandle());
      const started = Date.now();
      await store.updateProgress(runs.running.id, { rowsExtracted: 5_000, files: 2 }, new Date());
      await page.waitForFunction((el) => el?.textContent === '5,000', await extracted.elementHandle(), {
        timeout: 10_000,
      });
      const seenAfterMs = Date.now() - started;
      assert.ok(seenAfterMs < 6_000, `progress appeared after ${seenAfterMs} ms (polling every 2 s)`);
      st.diagnostic(`progress written to the store appeared on the page after ${seenAfterMs} ms`);
      await detail.getByRole('button', { name: 'Cancel run' }).click();
      await detail.getByRole('button', { name: 'Cancel requested' }).waitFor();
      assert.equal((await store.getRun(runs.running.id))?.cancelRequested, true);
    });

    await t.test('an admin queues a reconcile through the worker; a second one waits for it', async () => {
      await page.goto(`${url}/pipelines`);
      const permits = page.locator('[data-pipeline="permits"]');
      await permits.getByRole('button', { name: 'Reconcile', exact: true }).click();
      const feedback = permits.getByTestId('reconcile-feedback');
      await feedback.waitFor();
      assert.match((await feedback.textContent()) ?? '', /Reconcile of permits queued/);
      assert.ok(session.requested.some((u) => u.endsWith('/api/pipelines/permits/reconcile')));
      // The first is queued as a one-off pipeline.reconcile job: the scheduler refuses another until it ran.
      await permits.getByRole('button', { name: 'Reconcile and repair' }).click();
      await page.waitForFunction(
        (el) => /already queued/.test(el?.textContent ?? ''),
        await feedback.elementHandle(),
      );
      assert.equal(await feedback.getAttribute('role'), 'alert');
    });

    await t.test('no polling while the tab is hidden; it resumes when shown', async () => {
      const polls = () => session.requested.filter((u) => u.includes(`/api/runs`)).length;
      await setVisibility(page, 'hidden');
      const before = polls();
      await page.waitForTimeout(5_000);
      assert.equal(polls(), before, 'no /api/runs request while hidden');
      await setVisibility(page, 'visible');
      await page.waitForTimeout(500);
      assert.ok(polls() > before, 'polling resumed when visible');
    });

    await t.test('a chart of duration and rows extracted over the last finished runs', async () => {
      await page.goto(`${url}/pipelines`);
      const chart = page.locator('[data-pipeline="permits"]').getByTestId('run-chart');
      await chart.waitFor();
      // Oldest first: the failed run (2 min, 800 rows), then the succeeded one (3 min, 12,345 rows).
      assert.equal(await chart.getAttribute('data-runs'), '2');
      assert.equal(await chart.getAttribute('data-seconds'), '120.0,180.0');
      assert.equal(await chart.getAttribute('data-rows'), '800,12345');
      const box = await chart.locator('canvas').boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, 'the chart is drawn');
      assert.ok(session.requested.some((u) => u.includes('/api/runs?pipeline=permits&limit=')));
      // Only running so far: nothing to chart.
      assert.equal(await page.locator('[data-pipeline="inspections"]').getByTestId('run-chart').count(), 0);
    });

    await t.test(
      'an admin reloads a table or a time range; a bad request is refused beside the form',
      async () => {
        // A county-ops run that reported its tables, so its section offers them.
        const seeded = await store.createRun({
          pipeline: 'county-ops',
          jobType: 'pipeline.run',
          trigger: 'schedule',
          startedAt: new Date(Date.now() - 30_000),
        });
        await store.updateProgress(seeded.id, { 'parcels.rowsExtracted': 10, rowsExtracted: 10 }, new Date());
        await store.finishRun(seeded.id, { status: 'succeeded', now: new Date() });
        await page.goto(`${url}/pipelines`);
        const section = page.locator('[data-pipeline="county-ops"]');
        const form = section.getByTestId('reload-form');
        await form.waitFor();
        await form.locator('summary').click();
        const options = await form
          .locator('datalist option')
          .evaluateAll((els) => els.map((e) => e.getAttribute('value')));
        assert.deepEqual(options, ['parcels']);
        const errorsBefore = session.consoleErrors.length;

        await form.getByLabel('Table', { exact: true }).fill('parcels');
        await form.getByLabel('Rows whose watermark is in a time range (the watermark is kept)').check();
        await form.getByLabel('From (UTC, included)').fill('2026-11-25');
        await form.getByLabel('To (UTC, excluded)').fill('2026-11-24');
        await form.getByRole('button', { name: 'Re-extract range' }).click();
        await form.getByTestId('reload-error').waitFor();
        assert.match((await form.getByTestId('reload-error').textContent()) ?? '', /must come before to/);
        assert.equal(await form.getByLabel('From (UTC, included)').inputValue(), '2026-11-25', 'input kept');

        await form.getByLabel('The whole table (full reload)').check();
        await form.getByRole('button', { name: 'Reload table' }).click();
        await form.getByTestId('reload-queued').waitFor();
        assert.match(
          (await form.getByTestId('reload-queued').textContent()) ?? '',
          /Queued a full reload of parcels/,
        );
        assert.equal(await form.getByTestId('reload-error').count(), 0);
        // A second request while the first is queued is refused: one run of a pipeline at a time.
        await form.getByRole('button', { name: 'Reload table' }).click();
        await form.getByTestId('reload-error').waitFor();
        assert.match((await form.getByTestId('reload-error').textContent()) ?? '', /already queued/);
        // The two refusals provoked here (400, 409) are the only console errors Chromium logged meanwhile.
        const provoked = session.consoleErrors.splice(errorsBefore);
        assert.equal(provoked.length, 2, provoked.join('\n'));
        assert.ok(
          provoked.every((text) => /status of (400|409)/.test(text)),
          provoked.join('\n'),
        );
      },
    );

    await t.test('an analyst sees no runs and the server refuses them', async () => {
      const analyst = await session.as('analyst');
      await analyst.page.goto(`${url}/pipelines`);
      const notice = analyst.page.getByTestId('access-notice');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /analyst[\s\S]*runs:read/);
      assert.equal(await analyst.page.locator('[data-pipeline]').count(), 0);
      assert.equal((await session.call('analyst', 'GET', '/api/runs')).status, 403);
      const cancel = await session.call('analyst', 'POST', `/api/runs/${runs.running.id}`, {
        action: 'cancel',
      });
      assert.equal(cancel.status, 403);
      const reconcile = await session.call('analyst', 'POST', '/api/pipelines/permits/reconcile', {
        repair: true,
      });
      assert.equal(reconcile.status, 403);
      assert.equal(await analyst.page.getByTestId('reload-form').count(), 0);
      const reload = await session.call('analyst', 'POST', '/api/runs', {
        pipeline: 'county-ops',
        table: 'parcels',
      });
      assert.equal(reload.status, 403);
    });

    await t.test('no request left the origin, none failed, no console errors', () => {
      assert.deepEqual(offOrigin(session), []);
      assert.deepEqual(session.failed, []);
      // Chromium logs the refused second reconcile's 409 (shown on the page as the reason); nothing else.
      assert.deepEqual(
        session.consoleErrors.filter((text) => !/409 \(Conflict\)/.test(text)),
        [],
      );
    });
  },
);
