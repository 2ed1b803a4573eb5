// End-to-end check of the web app shell: the built app, served by `next start`, driven by real Chromium.
// Run `npx next build` first. It also guards the offline promise: every request a page makes stays on origin.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchChromium, watchBrowser } from '../support/browser';
import { startNextServer } from '../support/next-server';

const productName = 'County Lakehouse Workbench';

// Written out here rather than imported from app/, so a change to the app's section list has to be made on
// purpose in the test too.
const expectedNav = [
  { label: 'Home', href: '/' },
  { label: 'Workbench', href: '/workbench' },
  { label: 'Reports', href: '/reports' },
  { label: 'Pipelines', href: '/pipelines' },
  { label: 'Lineage', href: '/lineage' },
  { label: 'MySQL sync', href: '/sync' },
  { label: 'Schedules', href: '/schedules' },
  { label: 'Alerts', href: '/alerts' },
];
const builtSections = [
  { label: 'Workbench', href: '/workbench', signIn: false },
  { label: 'Reports', href: '/reports', signIn: true },
  { label: 'Pipelines', href: '/pipelines', signIn: true },
  { label: 'Lineage', href: '/lineage', signIn: true },
  { label: 'MySQL sync', href: '/sync', signIn: true },
  { label: 'Schedules', href: '/schedules', signIn: true },
  { label: 'Alerts', href: '/alerts', signIn: true },
];
// Every section is built now; a section added later starts here, and its page must say plainly that it is not.
const notBuiltSections: { label: string; href: string }[] = [];

test(
  'web app shell: home, navigation, built pages, section placeholders, health, no off-origin requests',
  { timeout: 180_000 },
  async (t) => {
    const server = await startNextServer();
    t.after(() => server.stop());
    const browser = await launchChromium();
    t.after(() => browser.close());

    const origin = new URL(server.url).origin;
    const context = await browser.newContext();
    const page = await context.newPage();

    const { requested, failed, consoleErrors } = watchBrowser(context, page);

    const nav = page.getByRole('navigation', { name: 'Main' });
    const navLinks = async () =>
      nav.getByRole('link').evaluateAll((links) =>
        links.map((a) => ({
          label: a.textContent?.trim() ?? '',
          href: a.getAttribute('href') ?? '',
          current: a.getAttribute('aria-current'),
        })),
      );

    await t.test('home page: title, heading, six nav links, a card per section', async () => {
      const response = await page.goto(`${server.url}/`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.title(), productName);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), productName);

      const links = await navLinks();
      assert.deepEqual(
        links.map(({ label, href }) => ({ label, href })),
        expectedNav,
      );
      assert.deepEqual(
        links.filter((link) => link.current === 'page').map((link) => link.href),
        ['/'],
      );

      for (const { label, href } of expectedNav.slice(1)) {
        const card = page.locator('.cards').getByRole('link', { name: label, exact: true });
        assert.equal(await card.getAttribute('href'), href, `card link for ${label}`);
      }
      for (const { label } of builtSections) {
        const card = page
          .locator('.cards .card')
          .filter({ has: page.getByRole('link', { name: label, exact: true }) });
        assert.doesNotMatch((await card.textContent()) ?? '', /Not built yet/, `${label} card`);
      }
      for (const { label } of notBuiltSections) {
        const card = page
          .locator('.cards .card')
          .filter({ has: page.getByRole('link', { name: label, exact: true }) });
        assert.match((await card.textContent()) ?? '', /Not built yet/, `${label} card`);
      }
      const status = await page.getByTestId('build-status').textContent();
      assert.match(status ?? '', /Built/);
      if (notBuiltSections.length === 0) assert.doesNotMatch(status ?? '', /Not built yet/);
      else assert.match(status ?? '', /Not built yet/);
    });

    // Built sections: their page has its heading and no not-built notice. The admin pages ask a visitor who
    // has not signed in to log in rather than showing (or pretending to show) data.
    for (const { label, href, signIn } of builtSections) {
      await t.test(`${label}: nav link leads to the built page, without a not-built notice`, async () => {
        await nav.getByRole('link', { name: label, exact: true }).click();
        await page.waitForURL(`${server.url}${href}`);
        await page.getByRole('heading', { level: 1, name: label, exact: true }).waitFor();
        assert.equal(await page.getByTestId('not-built').count(), 0);
        if (signIn) {
          const notice = page.getByTestId('access-notice');
          await notice.waitFor();
          assert.equal(
            await notice.getByRole('link', { name: 'Log in' }).getAttribute('href'),
            `/login?next=${encodeURIComponent(href)}`,
          );
        }
      });
    }

    // The sections whose pages are not built yet must say so plainly.
    for (const { label, href } of notBuiltSections) {
      await t.test(`${label}: nav link leads to its heading and the not-built notice`, async () => {
        await nav.getByRole('link', { name: label, exact: true }).click();
        await page.waitForURL(`${server.url}${href}`);
        await page.getByRole('heading', { level: 1, name: label, exact: true }).waitFor();
        await page.waitForFunction((title) => document.title === title, `${label} · ${productName}`);

        const notice = page.getByTestId('not-built');
        assert.equal(await notice.count(), 1);
        assert.ok(await notice.isVisible());
        assert.match((await notice.textContent()) ?? '', /Not built yet/);

        const current = (await navLinks()).filter((link) => link.current === 'page').map((link) => link.href);
        assert.deepEqual(current, [href]);

        // The same page served directly (server render, no client navigation) must say the same.
        const response = await page.reload();
        assert.equal(response?.status(), 200);
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), label);
        assert.equal(await page.getByTestId('not-built').count(), 1);
      });
    }

    await t.test('/api/health answers JSON, uncached, without the database', async () => {
      const before = Date.now();
      const response = await fetch(`${server.url}/api/health`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(response.headers.get('cache-control') ?? '', /no-store/);
      const body = (await response.json()) as { status: unknown; process: unknown; time: unknown };
      assert.equal(body.status, 'ok');
      assert.equal(body.process, 'web');
      assert.equal(typeof body.time, 'string');
      const time = Date.parse(body.time as string);
      assert.ok(Math.abs(time - before) < 60_000, `time ${String(body.time)} should be now`);
    });

    await t.test('an unknown page is a 404 with the app shell', async () => {
      const response = await page.goto(`${server.url}/no-such-page`);
      assert.equal(response?.status(), 404);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page not found');
    });

    await t.test('no request left the app origin, none failed, no console errors', () => {
      assert.ok(requested.length > 0, 'requests were recorded');
      const offOrigin = requested.filter(
        (url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin,
      );
      assert.deepEqual(offOrigin, []);
      assert.deepEqual(failed, []);
      // The 404 page logs its own status as a console error in Chromium, and the workbench's notebook list and
      // the admin pages' "who am I" are refused (401) to a visitor who has not signed in; only those are expected.
      assert.deepEqual(
        consoleErrors.filter((text) => !/(404 \(Not Found\)|401 \(Unauthorized\))/.test(text)),
        [],
      );
    });
  },
);
