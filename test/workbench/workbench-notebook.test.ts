// A notebook's everyday actions in Chromium: parameters and Run all, the grid's column types, sort, copy and
// elapsed time, the catalog sidebar (schema, rows, size, preview, insert, query this version), the query
// history panel, and the notebook list (rename, duplicate, delete).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSessionCookie, launchChromium } from '../support/browser';
import { addSqlCell, readGrid, setCellSql, waitForRuns } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let page: Page;

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000 });
  browser = await launchChromium();
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.url });
  await addSessionCookie(context, wb.analyst, wb.server.url);
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

const runs = (index: number) =>
  page.getByTestId('cell').nth(index).locator('.wb-cell-body').getAttribute('data-runs').then(Number);

test('parameters are bound, and Run all runs the cells in order', { timeout: 60_000 }, async () => {
  await page.locator('.wb-parameters summary').click();
  await page.getByLabel('New parameter name').fill('min_number');
  await page.getByLabel('New parameter type').selectOption('number');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByLabel('Parameter min_number', { exact: true }).fill('3');
  await page.getByTestId('cell').first().getByLabel('Cell name').fill('picked');
  await setCellSql(page, 0, 'SELECT letter, number FROM basic_append WHERE number >= {{min_number}}');
  const second = await addSqlCell(page);
  await setCellSql(page, second, 'SELECT count(*) AS n, min(number) AS low FROM picked');
  await page.getByRole('button', { name: 'Run all' }).click();
  await waitForRuns(page, second, 1);
  assert.equal(await runs(0), 1);
  assert.deepEqual(await readGrid(page, second), [['3', '3']]);
});

test(
  'the grid shows column types, sorts, copies, and tells the elapsed time',
  { timeout: 60_000 },
  async () => {
    const cell = page.getByTestId('cell').first();
    const headers = await cell.getByRole('columnheader').allTextContents();
    assert.deepEqual(headers, ['letterVARCHAR', 'numberBIGINT']);
    const number = cell.getByRole('columnheader', { name: /number/ });
    await number.click();
    assert.equal(await number.getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(
      (await readGrid(page, 0)).map((row) => row[1]),
      ['3', '4', '5'],
    );
    await number.click();
    assert.equal(await number.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(
      (await readGrid(page, 0)).map((row) => row[1]),
      ['5', '4', '3'],
    );
    await cell.getByRole('button', { name: 'Copy' }).click();
    await cell.getByText('Copied as tab-separated text').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied.split(/\r?\n/)[0], 'letter\tnumber');
    assert.equal(copied.trim().split(/\r?\n/).length, 4);
    const elapsed = cell.getByTestId('elapsed');
    assert.match((await elapsed.textContent()) ?? '', /^\d+\.\d+ s$/);
    assert.ok(Number(await elapsed.getAttribute('data-ms')) > 0);
  },
);

test(
  'catalog: schema, rows and size; preview, insert and query this version',
  { timeout: 60_000 },
  async () => {
    const entry = page.getByTestId('catalog-table-basic_append');
    assert.match((await entry.locator('summary').first().textContent()) ?? '', /5 rows · [\d.]+ (B|KB) · v1/);
    await entry.locator('summary').first().click();
    const columns = await entry.locator('.wb-columns li').allTextContents();
    assert.ok(
      columns.some((text) => text.startsWith('letter')) && columns.some((t) => t.startsWith('number')),
    );
    const before = await page.getByTestId('cell').count();
    await entry.getByRole('button', { name: 'Preview' }).click();
    await waitForRuns(page, before, 1);
    assert.equal(await page.getByTestId('cell').nth(before).getByTestId('row-count').textContent(), '5 rows');
    // Insert puts the table name at the cursor of the last editor typed in.
    const editor = page.getByTestId('sql-editor').nth(1);
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' -- from ');
    await entry.getByRole('button', { name: 'Insert' }).click();
    const second = await page.evaluate(() => {
      const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
        .monaco;
      return m.editor.getEditors()[1]?.getValue();
    });
    assert.ok(second?.endsWith(' -- from basic_append'), second);
    await entry.getByTestId('versions-basic_append').locator('summary').click();
    await entry.getByTestId('version-0').getByRole('button', { name: 'v0' }).click();
    await waitForRuns(page, before + 1, 1);
    assert.deepEqual(
      (await readGrid(page, before + 1)).map((row) => row[0]),
      ['a', 'b', 'c'],
    );
  },
);

test('the query history panel lists runs and reopens one as a cell', { timeout: 60_000 }, async () => {
  const panel = page.getByTestId('query-history');
  await panel.locator('summary').click();
  const item = panel.getByRole('button', { name: /WHERE number >= 3/ });
  await item.first().waitFor();
  const before = await page.getByTestId('cell').count();
  await item.first().click();
  assert.equal(await page.getByTestId('cell').count(), before + 1);
  // The history keeps what ran, parameters bound.
  await page.waitForFunction(
    (count) =>
      (window as unknown as { monaco: { editor: { getEditors(): unknown[] } } }).monaco.editor.getEditors()
        .length >= count,
    before + 1,
  );
  const last = await page.evaluate(() => {
    const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
      .monaco;
    return m.editor.getEditors().at(-1)?.getValue();
  });
  assert.equal(last, 'SELECT letter, number FROM basic_append WHERE number >= 3');
});

test('the notebook list renames, duplicates and deletes', { timeout: 60_000 }, async () => {
  await page.goto(`${wb.server.url}/workbench`);
  const items = page.getByTestId('notebook-item');
  await items.first().waitFor();
  assert.equal(await items.count(), 1);
  page.once('dialog', (dialog) => void dialog.accept('Permits by district'));
  await items.first().getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('link', { name: 'Permits by district' }).waitFor();
  await items.first().getByRole('button', { name: 'Duplicate' }).click();
  await page.getByRole('link', { name: 'Permits by district (copy)' }).waitFor();
  assert.equal(await items.count(), 2);
  page.once('dialog', (dialog) => void dialog.accept());
  await items.filter({ hasText: '(copy)' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('link', { name: 'Permits by district (copy)' }).waitFor({ state: 'detached' });
  assert.deepEqual(await page.getByRole('link', { name: /Permits/ }).allTextContents(), [
    'Permits by district',
  ]);
});
