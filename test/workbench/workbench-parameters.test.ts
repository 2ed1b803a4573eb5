// Typed parameters in Chromium: a date range and a multiple choice whose options come from a query over a lake
// table, bound into a cell on the browser and the server path; changing them changes the result; the page URL
// (and the copied link) carries the values, so a reload keeps them; an options query that fails says why.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSessionCookie, launchChromium } from '../support/browser';
import { readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

const ROWS = 1_000;
let wb: WorkbenchServer;
let browser: Browser;
let page: Page;

before(async () => {
  wb = await startWorkbenchServer({ bigRows: ROWS });
  browser = await launchChromium();
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.url });
  await addSessionCookie(context, wb.analyst, wb.server.url);
  page = await context.newPage();
  await page.goto(`${wb.server.url}/workbench`);
  await page.getByTestId('new-notebook').click();
  await page.waitForURL(/\/workbench\/[a-z0-9-]+$/);
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await page.getByTestId('catalog-table-big_events').waitFor();
});

after(async () => {
  await browser?.close();
  await wb?.stop();
});

// big_events (lake-fixture.ts): id 0..ROWS-1, district 'district_' || id % 12; each id gets a day of 2026.
const SQL =
  'SELECT count(*) AS n FROM big_events\n' +
  'WHERE district IN {{districts}}\n' +
  "  AND DATE '2026-01-01' + CAST(id % 365 AS INTEGER) BETWEEN {{period.from}} AND {{period.to}}";

/** The count the cell should give, worked out here from how the fixture writes the table. */
function expected(districts: number[], fromDay: number, toDay: number): string {
  let n = 0;
  for (let id = 0; id < ROWS; id += 1) {
    const day = id % 365;
    if (districts.includes(id % 12) && day >= fromDay && day <= toDay) n += 1;
  }
  return String(n);
}

const districts = () => page.getByRole('group', { name: 'Parameter districts' });
const setPeriod = async (from: string, to: string) => {
  await page.getByLabel('Parameter period from').fill(from);
  await page.getByLabel('Parameter period to').fill(to);
};
const count = async () => (await readGrid(page, 0))[0]?.[0];

test(
  'a date range and a multiple choice from a query change what a cell returns',
  { timeout: 120_000 },
  async () => {
    await page.locator('.wb-parameters summary').click();
    await page.getByLabel('New parameter name').fill('period');
    await page.getByLabel('New parameter type').selectOption('date_range');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('New parameter name').fill('districts');
    await page.getByLabel('New parameter type').selectOption('multi_choice');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('Options source of districts').selectOption('query');
    await page
      .getByLabel('Options query of districts')
      .fill('SELECT DISTINCT district FROM big_events ORDER BY 1');
    // The options are the query's first column, run through the browser engine.
    await districts().getByLabel('district_11').waitFor({ timeout: 60_000 });
    assert.equal(await districts().getByRole('checkbox').count(), 12);

    await setCellSql(page, 0, SQL);
    await setPeriod('2026-01-01', '2026-01-10');
    await districts().getByLabel('district_1', { exact: true }).check();
    await districts().getByLabel('district_2', { exact: true }).check();
    await runCellAndWait(page, 0);
    assert.equal(await count(), expected([1, 2], 0, 9));

    await districts().getByLabel('district_2', { exact: true }).uncheck();
    await setPeriod('2026-01-01', '2026-03-31');
    await runCellAndWait(page, 0);
    assert.equal(await count(), expected([1], 0, 89));
    assert.notEqual(expected([1], 0, 89), expected([1, 2], 0, 9));

    // The server path gets the same bound SQL.
    await page.getByTestId('cell').first().getByLabel('Run on', { exact: true }).selectOption('server');
    await runCellAndWait(page, 0);
    assert.equal(await count(), expected([1], 0, 89));
  },
);

test('the URL carries the values: a reload and a copied link keep them', { timeout: 120_000 }, async () => {
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('p.period'), '2026-01-01..2026-03-31');
  assert.deepEqual(url.searchParams.getAll('p.districts'), ['district_1']);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state') === 'saved',
  );
  await page.getByTestId('share-notebook').click();
  const link = new URL(await page.getByTestId('share-link').inputValue());
  assert.equal(link.pathname, url.pathname);
  assert.equal(link.searchParams.get('p.period'), '2026-01-01..2026-03-31');
  assert.deepEqual(link.searchParams.getAll('p.districts'), ['district_1']);

  await page.reload();
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await districts().getByLabel('district_11').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByLabel('Parameter period from').inputValue(), '2026-01-01');
  assert.equal(await page.getByLabel('Parameter period to').inputValue(), '2026-03-31');
  assert.equal(await districts().getByLabel('district_1', { exact: true }).isChecked(), true);
  assert.equal(await districts().getByLabel('district_2', { exact: true }).isChecked(), false);
  await runCellAndWait(page, 0);
  assert.equal(await count(), expected([1], 0, 89));
});

test('a bad value or a failing options query is shown plainly', { timeout: 120_000 }, async () => {
  await setPeriod('2026-05-01', '2026-01-01');
  await page
    .getByTestId('parameter-period')
    .getByTestId('parameter-problem')
    .getByText(/starts after it ends/)
    .waitFor();
  await runCellAndWait(page, 0);
  const error = page.getByTestId('cell').first().getByTestId('cell-error');
  assert.match(
    (await error.textContent()) ?? '',
    /Parameter "period" starts after it ends: 2026-05-01 > 2026-01-01/,
  );

  // The editor is open: the notebook has parameters.
  await page.getByLabel('Options query of districts').fill('SELECT no_such_column FROM big_events');
  const failed = page.getByTestId('parameter-options-error');
  await failed.waitFor({ timeout: 60_000 });
  assert.match(
    (await failed.textContent()) ?? '',
    /Options of districts could not be loaded: .*no_such_column/,
  );
});
