// Notebook editing and large results in Chromium: Markdown cells, move and delete, a million-row result that
// is cut at the browser limit with a pointer to the server path, and a grid that renders only visible rows.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSessionCookie, launchChromium } from '../support/browser';
import { addSqlCell, readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let page: Page;

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000 });
  browser = await launchChromium();
  const context = await browser.newContext();
  await addSessionCookie(context, wb.analyst, wb.server.url);
  page = await context.newPage();
  await page.goto(`${wb.server.url}/workbench`);
  await page.getByTestId('new-notebook').click();
  await page.waitForURL(/\/workbench\/[a-z0-9-]+$/);
  await page.getByTestId('cell').first().waitFor();
});

after(async () => {
  await browser?.close();
  await wb?.stop();
});

const cellKinds = () =>
  page
    .getByTestId('cell')
    .evaluateAll((cells) => cells.map((c) => c.querySelector('.wb-badge')?.textContent));

test('Markdown cells render; cells move and delete', { timeout: 60_000 }, async () => {
  await page.getByTestId('add-markdown').click();
  const markdown = page.getByTestId('cell').nth(1);
  await markdown.getByLabel('Markdown').fill('# Weekly permits\n\nCounts by **district**.');
  await markdown.getByRole('button', { name: 'Done' }).click();
  assert.equal(await markdown.getByRole('heading', { name: 'Weekly permits' }).count(), 1);
  assert.equal(await markdown.locator('strong').textContent(), 'district');
  assert.deepEqual(await cellKinds(), ['SQL', 'Markdown']);
  await markdown.getByRole('button', { name: 'Move cell up' }).click();
  assert.deepEqual(await cellKinds(), ['Markdown', 'SQL']);
  await page.getByTestId('cell').nth(1).getByRole('button', { name: 'Delete cell' }).click();
  assert.deepEqual(await cellKinds(), ['Markdown']);
});

test('a named result is selected by a later cell', { timeout: 60_000 }, async () => {
  const first = await addSqlCell(page);
  const cell = page.getByTestId('cell').nth(first);
  await cell.getByLabel('Cell name').fill('letters');
  await setCellSql(page, 0, 'SELECT letter, number FROM basic_append WHERE number > 2');
  await runCellAndWait(page, first);
  const second = await addSqlCell(page);
  await setCellSql(page, 1, 'SELECT count(*) AS n, max(letter) AS last FROM letters');
  await runCellAndWait(page, second);
  const row = await page
    .getByTestId('cell')
    .nth(second)
    .getByTestId('result-row')
    .first()
    .evaluate((r) => [...r.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent));
  assert.deepEqual(row, ['3', 'e']);
});

test('a server-path cell selects from an earlier named result too', { timeout: 60_000 }, async () => {
  // One Markdown cell sits above the SQL cells, so the editor index is one less than the cell index.
  const index = await addSqlCell(page);
  const cell = page.getByTestId('cell').nth(index);
  await setCellSql(
    page,
    index - 1,
    'SELECT l.letter, b.number * 10 AS tens FROM letters l JOIN basic_append b USING (letter) ORDER BY 1',
  );
  await runCellAndWait(page, index);
  const browserRows = await readGrid(page, index);
  await cell.getByLabel('Run on', { exact: true }).selectOption('server');
  await runCellAndWait(page, index);
  assert.equal(await cell.getByTestId('cell-error').count(), 0);
  assert.match((await cell.getByTestId('cell-result').textContent()) ?? '', /server \(native DuckDB\)/);
  assert.deepEqual(await readGrid(page, index), browserRows);
  assert.deepEqual(browserRows, [
    ['c', '30'],
    ['d', '40'],
    ['e', '50'],
  ]);
});

test(
  'a result past the browser limit is cut, with the server path offered; the grid stays virtual',
  { timeout: 120_000 },
  async () => {
    const index = await addSqlCell(page);
    await setCellSql(page, index - 1, 'SELECT range AS n, range * 2 AS twice FROM range(1200000)');
    await runCellAndWait(page, index);
    const cell = page.getByTestId('cell').nth(index);
    assert.equal(await cell.getByTestId('row-count').textContent(), '1,000,000 rows');
    assert.match(
      (await cell.getByTestId('result-too-large').textContent()) ?? '',
      /run the cell on the server/,
    );
    const rendered = await cell.getByTestId('result-row').count();
    assert.ok(rendered > 0 && rendered < 100, `${rendered} rows in the DOM`);
    const grid = cell.getByTestId('result-grid');
    await grid.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await cell.getByTestId('result-row').filter({ hasText: '999999' }).first().waitFor();
    // The offered server path: one click switches the cell and runs it there.
    await cell.getByTestId('rerun-on-server').click();
    await cell.locator(`.wb-cell-body[data-runs="2"]`).waitFor({ timeout: 90_000 });
    assert.equal(await cell.getByLabel('Run on', { exact: true }).inputValue(), 'server');
    assert.match((await cell.getByTestId('cell-result').textContent()) ?? '', /server \(native DuckDB\)/);
    assert.equal(await cell.getByTestId('row-count').textContent(), '1,000,000 rows');
    assert.match((await cell.getByTestId('result-too-large').textContent()) ?? '', /LIMIT or an aggregate/);
  },
);
