// The change feed in Chromium: the catalog's "What changed" on a version lists its rows with their change type, and
// table_changes(…) runs on the server path while the browser path refuses it with a message naming the server path.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let page: Page;

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000 });
  browser = await launchChromium();
  const context = await browser.newContext();
  const [name, ...rest] = wb.analyst.split('=');
  await context.addCookies([{ name: name as string, value: rest.join('='), url: wb.server.url }]);
  page = await context.newPage();
  await page.goto(`${wb.server.url}/workbench`);
  await page.getByTestId('new-notebook').click();
  await page.waitForURL(/\/workbench\/[a-z0-9-]+$/);
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await page.getByTestId('catalog-table-basic_append').waitFor();
});
after(async () => {
  await browser?.close();
  await wb?.stop();
});

test('"What changed" on a version lists its rows with their change type', { timeout: 90_000 }, async () => {
  const entry = page.getByTestId('catalog-table-basic_append');
  await entry.locator('summary').first().click();
  await entry.getByTestId('versions-basic_append').locator('summary').click();
  const changes = entry.getByTestId('version-1').getByTestId('changes-1');
  await changes.locator('summary').click();
  const summary = changes.getByTestId('changes-summary');
  await summary.waitFor();
  assert.match((await summary.textContent()) ?? '', /^2 changed row\(s\), derived from the files/);
  const rows = await changes
    .locator('tbody tr')
    .evaluateAll((list) =>
      list.map((row) => [...row.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
    );
  assert.deepEqual(rows.sort(), [
    ['insert', 'd'],
    ['insert', 'e'],
  ]);
});

test(
  'table_changes runs on the server path (Auto sends it there); the browser path refuses it',
  { timeout: 90_000 },
  async () => {
    const cell = page.getByTestId('cell').first();
    await setCellSql(
      page,
      0,
      "SELECT letter, _change_type, _commit_version FROM table_changes('basic_append', 1) ORDER BY letter",
    );
    await cell.getByLabel('Run on', { exact: true }).selectOption('browser');
    await runCellAndWait(page, 0);
    assert.match((await cell.getByTestId('cell-error').textContent()) ?? '', /runs on the server path only/);
    // Auto sends table_changes to the server path whatever the table's size.
    await cell.getByLabel('Run on', { exact: true }).selectOption('auto');
    await runCellAndWait(page, 0);
    assert.equal(await cell.getByTestId('cell-error').count(), 0);
    assert.equal(await cell.getByTestId('placement-note').getAttribute('data-run-on'), 'server');
    assert.equal(
      await cell.getByTestId('placement-note').textContent(),
      'Ran on the server (Auto): table_changes runs on the server path only',
    );
    assert.deepEqual(await readGrid(page, 0), [
      ['d', 'insert', '1'],
      ['e', 'insert', '1'],
    ]);
  },
);
