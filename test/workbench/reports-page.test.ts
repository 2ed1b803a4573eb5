// Published reports in Chromium (issue 15 §1): an analyst saves a chart in a notebook (restored on reload) and
// publishes it; a front-end user opens the report read-only (no editor), sees the same chart (same settings, same
// data drawn), the "as of" line, the code on demand; a report pinned to an old version shows that version's
// numbers, and `VERSION AS OF` written in the SQL still reads what it names.
// basic_append: version 0 holds letters a..c (numbers 1..3), version 1 appends d, e (4, 5).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSessionCookie, launchChromium } from '../support/browser';
import { addSqlCell, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let analyst: Page;
let reader: Page;
let notebookId = '';
/** What the editor's chart draws: its settings and, per dataset, points and total. */
let editorChart: { settings: unknown; summary: unknown } = { settings: null, summary: null };

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000 });
  browser = await launchChromium();
  const analystContext = await browser.newContext();
  await addSessionCookie(analystContext, wb.analyst, wb.server.url);
  analyst = await analystContext.newPage();
  const readerContext = await browser.newContext();
  await addSessionCookie(readerContext, wb.frontend, wb.server.url);
  reader = await readerContext.newPage();
});

after(async () => {
  await browser?.close();
  await wb?.stop();
});

const chartOf = async (page: Page, scope = page.locator('body')) => {
  const chart = scope.getByTestId('result-chart').first();
  await chart.waitFor({ timeout: 60_000 });
  return {
    settings: JSON.parse((await chart.getAttribute('data-settings')) ?? 'null') as unknown,
    summary: JSON.parse((await chart.getAttribute('data-summary')) ?? 'null') as unknown,
  };
};

const waitSaved = (page: Page) => page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();

/** Opens the report as the front-end user and waits until every query cell has finished. */
async function openReport(): Promise<void> {
  await reader.goto(`${wb.server.url}/reports/${notebookId}`);
  await reader.getByTestId('report').waitFor({ timeout: 30_000 });
  await reader.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-testid="report-cell"][data-kind="sql"]')].every((cell) =>
        ['done', 'error'].includes(cell.getAttribute('data-status') ?? ''),
      ),
    undefined,
    { timeout: 60_000 },
  );
}

const reportGrid = (name: string) =>
  reader
    .locator(`[data-testid="report-cell"][data-name="${name}"]`)
    .getByTestId('result-row')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '')),
    );

test('an analyst saves a chart with the cell; a reload restores it', { timeout: 120_000 }, async () => {
  await analyst.goto(`${wb.server.url}/workbench`);
  await analyst.getByTestId('new-notebook').click();
  await analyst.waitForURL(/\/workbench\/[a-z0-9-]+$/);
  notebookId = new URL(analyst.url()).pathname.split('/').pop() as string;
  await analyst.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await analyst.getByTestId('catalog-table-basic_append').waitFor();
  await analyst.getByTestId('cell').first().getByLabel('Cell name').fill('letters');
  await setCellSql(
    analyst,
    0,
    'SELECT letter, number, number * 10 AS tens FROM basic_append ORDER BY letter',
  );
  await runCellAndWait(analyst, 0);
  const cell = analyst.getByTestId('cell').first();
  await cell.getByRole('tab', { name: 'Chart' }).click();
  const chart = cell.getByTestId('result-chart');
  await chart.locator('select').nth(0).selectOption('line');
  await chart.locator('select').nth(2).selectOption({ label: 'tens' });
  await chart.locator('select').nth(3).selectOption({ label: 'number' });
  await chart.getByLabel('Title').fill('Letters by number');
  editorChart = await chartOf(analyst, cell);
  assert.deepEqual(editorChart.settings, {
    kind: 'line',
    x: 'letter',
    y: ['tens', 'number'],
    title: 'Letters by number',
  });
  assert.deepEqual(editorChart.summary, {
    labels: 5,
    datasets: [
      { label: 'tens', points: 5, total: 150 },
      { label: 'number', points: 5, total: 15 },
    ],
  });
  // A table cell and one with time travel written in its SQL.
  const second = await addSqlCell(analyst);
  await analyst.getByTestId('cell').nth(second).getByLabel('Cell name').fill('totals');
  await setCellSql(analyst, second, 'SELECT count(*) AS n, sum(number) AS total FROM basic_append');
  const third = await addSqlCell(analyst);
  await analyst.getByTestId('cell').nth(third).getByLabel('Cell name').fill('first_version');
  await setCellSql(analyst, third, 'SELECT count(*) AS n FROM basic_append VERSION AS OF 0');
  await waitSaved(analyst);

  await analyst.reload();
  await analyst.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await runCellAndWait(analyst, 0);
  // The chart is shown at once (display=chart), drawn with the saved settings.
  assert.deepEqual(await chartOf(analyst, analyst.getByTestId('cell').first()), editorChart);
});

test(
  'published, a front-end user reads it: no editor, the same chart, the as-of line',
  { timeout: 120_000 },
  async () => {
    await analyst.getByTestId('publish-panel-button').click();
    await analyst.getByTestId('publish-button').click();
    await analyst.getByTestId('publish-status').waitFor();

    await openReport();
    assert.equal(await reader.locator('.monaco-editor').count(), 0);
    assert.equal(await reader.getByTestId('sql-editor').count(), 0);
    assert.equal(await reader.getByTestId('run-cell').count(), 0);
    // Read-only: the chart has no controls to change it.
    assert.equal(await reader.getByTestId('result-chart').locator('select').count(), 0);
    assert.deepEqual(await chartOf(reader), editorChart);
    assert.match(
      (await reader.getByTestId('report-as-of').textContent()) ?? '',
      /^As of the latest snapshot \(.* UTC\): basic_append version 1; basic_append version 0 \(written in the SQL\)$/,
    );
    assert.deepEqual(await reportGrid('totals'), [['5', '15']]);
    assert.deepEqual(await reportGrid('first_version'), [['3']]);
    // Laid out as a grid (its styles come with it), not as run-together text.
    const row = reader
      .locator('[data-testid="report-cell"][data-name="totals"]')
      .getByTestId('result-row')
      .first();
    assert.equal(await row.evaluate((r) => getComputedStyle(r).display), 'flex');
    // The code is hidden until asked for.
    const letters = reader.locator('[data-testid="report-cell"][data-name="letters"]');
    assert.equal(await letters.getByTestId('report-code').count(), 0);
    await letters.getByRole('button', { name: 'Show code' }).click();
    assert.match((await letters.getByTestId('report-code').textContent()) ?? '', /number \* 10 AS tens/);
    // Listed for the front-end user.
    await reader.goto(`${wb.server.url}/reports`);
    await reader.getByTestId('report-item').first().waitFor();
    assert.equal(await reader.getByTestId('report-item').count(), 1);
  },
);

test('a report pinned to an old version shows that version’s numbers', { timeout: 120_000 }, async () => {
  const panel = analyst.getByTestId('publish-panel');
  await panel.getByLabel('pinned versions').check();
  await panel.getByLabel('basic_append version').fill('0');
  const published = await panel.getByTestId('publish-status').getAttribute('data-published-at');
  await panel.getByTestId('publish-button').click();
  await analyst.waitForFunction(
    (previous) =>
      document.querySelector('[data-testid="publish-status"]')?.getAttribute('data-published-at') !==
      previous,
    published,
  );
  await openReport();
  assert.equal(
    await reader.getByTestId('report-as-of').textContent(),
    'As of pinned versions: basic_append version 0; basic_append version 0 (written in the SQL)',
  );
  assert.deepEqual(await reportGrid('totals'), [['3', '6']]);
  const pinned = await chartOf(reader);
  assert.deepEqual(pinned.settings, editorChart.settings);
  assert.deepEqual(pinned.summary, {
    labels: 3,
    datasets: [
      { label: 'tens', points: 3, total: 60 },
      { label: 'number', points: 3, total: 6 },
    ],
  });
});
