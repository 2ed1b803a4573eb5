// The MySQL sync page in real Chromium against the built app: a frontend user logs in and sees each synced table
// with its state (one lagging behind an unsynced Delta commit, one in sync) and one line per table saying whether
// it may be trusted (fresh, data as of …), the page follows a sync within its 10 s refresh, a table whose data
// passes its freshness limit turns stale while MySQL equals Delta, and an analyst is refused the page's API. No
// request leaves the app's origin.
// Needs `npm run build` first, MariaDB and Chromium.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { syncTable } from '../../pipelines/sync/index';
import { formatDateTime } from '../../pipelines/sync/mysql/sync-state';
import { launchChromium, watchBrowser } from '../support/browser';
import { login, writeUsersFile } from '../support/auth';
import { startNextServer } from '../support/next-server';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { createSyncedLake, PERMITS } from '../sync/synced-lake';

const skip = await mariaDbSkipReason();

/**
 * What a pipeline sync records for a table (its data-as-of and freshness limit; test/freshness proves the sync
 * writes them from the run's commit): here set directly, relative to the real clock the server reads.
 */
async function setFreshness(
  lake: { db: { admin: { query(sql: string, values: unknown[]): Promise<unknown> } } },
  table: string,
  ageMinutes: number,
  limitSeconds: number,
) {
  await lake.db.admin.query(
    'UPDATE _lakehouse_sync_state SET data_as_of = ?, freshness_limit_seconds = ? WHERE table_name = ?',
    [formatDateTime(new Date(Date.now() - ageMinutes * 60_000)), limitSeconds, table],
  );
}

async function logInThroughForm(page: Page, url: string, username: string) {
  await page.goto(`${url}/login?next=%2Fsync`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(`${username}-pw`);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${url}/sync`);
}

test(
  'sync page: states per table, live refresh, analyst refused, nothing off origin',
  { skip, timeout: 180_000 },
  async (t) => {
    const lake = await createSyncedLake('sync_e2e');
    t.after(() => lake.close());
    await lake.commitUnsynced(); // permits: synced v1, latest v2
    await setFreshness(lake, 'inspections', 42, 7200); // fresh: 42 min old, limit 2 h
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sync-e2e-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const usersFile = await writeUsersFile(dir, [
      { username: 'frontend', password: 'frontend-pw', roles: ['frontend'] },
      { username: 'analyst', password: 'analyst-pw', roles: ['analyst'] },
    ]);
    const server = await startNextServer({
      env: {
        LAKE_ROOT: lake.lakeDir,
        MYSQL_URL: lake.db.url,
        USERS_FILE: usersFile,
        SESSION_SECRET: 'sync-e2e-session-secret-that-is-long-enough',
      },
    });
    t.after(() => server.stop());
    const browser = await launchChromium();
    t.after(() => browser.close());
    const origin = new URL(server.url).origin;

    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = watchBrowser(context, page);

    await t.test('a frontend user logs in and sees each table with its state', async () => {
      await logInThroughForm(page, server.url, 'frontend');
      await page.getByRole('heading', { level: 1, name: 'MySQL sync' }).waitFor();
      const rows = page.getByTestId('sync-row');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 2);
      const permits = page.locator('[data-testid="sync-row"][data-table="permits"]');
      const inspections = page.locator('[data-testid="sync-row"][data-table="inspections"]');
      assert.equal(await permits.getByTestId('sync-state').textContent(), 'lagging');
      assert.equal(await permits.getByTestId('sync-versions').textContent(), 'v1 / v2');
      assert.match((await permits.getByTestId('sync-lag').textContent()) ?? '', /^1 version/);
      assert.match((await permits.textContent()) ?? '', /110 \/ 90/);
      assert.equal(await inspections.getByTestId('sync-state').textContent(), 'in sync');
      assert.match((await inspections.getByTestId('sync-lag').textContent()) ?? '', /^0 versions/);
      assert.equal(
        await page.getByTestId('sync-overall').textContent(),
        'Some tables lag behind their Delta table',
      );
      assert.equal(await page.getByTestId('not-built').count(), 0);
      // One line per table: may the front end trust it right now?
      const trust = page.locator('[data-testid="sync-trust-line"][data-table="inspections"]');
      assert.equal(await trust.getAttribute('data-freshness'), 'fresh');
      assert.match(
        (await trust.textContent()) ?? '',
        // 42 minutes ago is yesterday just after midnight: the time then carries its date.
        /^inspections — fresh, data as of ([A-Z][a-z]{2} \d{1,2}, )?\d{1,2}:\d\d( [AP]M)? \(42 min ago, limit 2 h\)$/,
      );
      const unknown = page.locator('[data-testid="sync-trust-line"][data-table="permits"]');
      assert.equal(
        await unknown.textContent(),
        'permits — freshness unknown, no data-as-of recorded yet (no limit set)',
      );
    });

    await t.test('the page follows a sync within its 10 s refresh, without a reload', async () => {
      await syncTable(lake.effects, PERMITS);
      const permitsState = page.locator(
        '[data-testid="sync-row"][data-table="permits"] [data-testid="sync-state"]',
      );
      await page.waitForFunction(
        () =>
          document.querySelector('[data-table="permits"] [data-testid="sync-state"]')?.textContent ===
          'in sync',
        undefined,
        { timeout: 15_000 },
      );
      assert.equal(await permitsState.textContent(), 'in sync');
      assert.equal(await page.getByTestId('sync-overall').textContent(), 'Every table is in sync');
    });

    await t.test('past its freshness limit a table turns stale, although MySQL equals Delta', async () => {
      await setFreshness(lake, 'inspections', 3 * 60 + 10, 7200);
      await page.waitForFunction(
        () =>
          document.querySelector('[data-table="inspections"] [data-testid="sync-state"]')?.textContent ===
          'stale',
        undefined,
        { timeout: 15_000 },
      );
      const inspections = page.locator('[data-testid="sync-row"][data-table="inspections"]');
      assert.match((await inspections.getByTestId('sync-versions').textContent()) ?? '', /^v0 \/ v0$/);
      const trust = page.locator('[data-testid="sync-trust-line"][data-table="inspections"]');
      assert.match(
        (await trust.textContent()) ?? '',
        /^inspections — stale, data as of .+ \(3 h 10 min ago, limit 2 h\)$/,
      );
      assert.equal(
        await page.getByTestId('sync-overall').textContent(),
        'Some tables hold data older than their freshness limit',
      );
    });

    await t.test('an analyst is refused the API (403) and the page says why', async () => {
      const cookie = await login(server.url, 'analyst', 'analyst-pw');
      const res = await fetch(`${server.url}/api/sync/status`, { headers: { cookie } });
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
      const analyst = await browser.newContext();
      const analystPage = await analyst.newPage();
      const analystSeen = watchBrowser(analyst, analystPage);
      await logInThroughForm(analystPage, server.url, 'analyst');
      const alert = analystPage.getByTestId('sync-error');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /do not allow sync:read/);
      assert.equal(await analystPage.getByTestId('sync-row').count(), 0);
      // A refusal is final: the page does not ask again at its 10 s refresh.
      await analystPage.waitForTimeout(11_000);
      const asked = analystSeen.requested.filter((url) => url.endsWith('/api/sync/status'));
      assert.equal(asked.length, 1, `the refused page asked ${asked.length} times`);
      const offOrigin = analystSeen.requested.filter(
        (url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin,
      );
      assert.deepEqual(offOrigin, []);
      await analyst.close();
    });

    await t.test('no request left the app origin, none failed, no console errors', () => {
      assert.ok(seen.requested.some((url) => url.endsWith('/api/sync/status')));
      const offOrigin = seen.requested.filter(
        (url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin,
      );
      assert.deepEqual(offOrigin, []);
      assert.deepEqual(seen.failed, []);
      assert.deepEqual(seen.consoleErrors, []);
    });
  },
);
