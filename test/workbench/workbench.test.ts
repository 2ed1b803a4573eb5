// The workbench end to end in Chromium against the built app: a notebook is created, SQL typed with completion
// and run in DuckDB-WASM; time travel, errors with markers, charts, CSV export, reload, the server path, bytes
// fetched for a selective query on a large table, cancel, and no request leaving the origin.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addSessionCookie, launchChromium } from '../support/browser';
import {
  addSqlCell,
  readGrid,
  requestedBytes,
  runCellAndWait,
  setCellSql,
  waitForRuns,
} from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requested: string[] = [];
const lakeBytes = new Map<string, number>();
const pageErrors: string[] = [];

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000_000 });
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true });
  await addSessionCookie(context, wb.analyst, wb.server.url);
  context.on('request', (request) => requested.push(request.url()));
  // Count what DuckDB-WASM asked for, from each GET's Range header (Playwright reports stale response headers for
  // a worker's synchronous XHRs, so X-Content-Length of the responses cannot be summed).
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/lake/') || request.method() !== 'GET') return;
    const bytes = requestedBytes(request.headers()['range'], Number.MAX_SAFE_INTEGER);
    lakeBytes.set(url.pathname, (lakeBytes.get(url.pathname) ?? 0) + bytes);
  });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await wb?.stop();
});

test(
  'create a notebook, type SQL with completion, run it in the browser and see rows',
  { timeout: 120_000 },
  async () => {
    await page.goto(`${wb.server.url}/workbench`);
    await page.getByTestId('new-notebook').click();
    await page.waitForURL(/\/workbench\/[a-z0-9-]+$/);
    await page.getByTestId('catalog-table-basic_append').waitFor();
    const editor = page.getByTestId('sql-editor').first();
    await editor.locator('.monaco-editor').waitFor({ timeout: 30_000 });
    await editor.click();
    await page.keyboard.type('SELECT letter, number FROM basic_app');
    await page.keyboard.press('Control+Space');
    const suggestion = page.locator('.monaco-editor .suggest-widget .monaco-list-row', {
      hasText: 'basic_append',
    });
    await suggestion.first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type(' ORDER BY number');
    await page.keyboard.press('Control+Enter');
    await waitForRuns(page, 0, 1);
    const cell = page.getByTestId('cell').first();
    assert.equal(await cell.getByTestId('row-count').textContent(), '5 rows');
    assert.deepEqual(await readGrid(page, 0), [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
    ]);
  },
);

test('time travel returns the earlier version’s rows', { timeout: 60_000 }, async () => {
  const index = await addSqlCell(page);
  await setCellSql(page, index, 'SELECT letter FROM basic_append VERSION AS OF 0 ORDER BY letter');
  await runCellAndWait(page, index);
  assert.deepEqual(await readGrid(page, index), [['a'], ['b'], ['c']]);
  const byTime = await addSqlCell(page);
  await setCellSql(
    page,
    byTime,
    "SELECT (SELECT count(*) FROM basic_append TIMESTAMP AS OF '2026-11-01 10:00') AS before_append, " +
      "(SELECT count(*) FROM basic_append TIMESTAMP AS OF '2026-11-01 11:30') AS after_append",
  );
  await runCellAndWait(page, byTime);
  assert.deepEqual(await readGrid(page, byTime), [['3', '5']]);
});

test('a chart renders and an exported CSV has the right content', { timeout: 60_000 }, async () => {
  const cell = page.getByTestId('cell').first();
  await cell.getByRole('tab', { name: 'Chart' }).click();
  const canvas = cell.getByTestId('result-chart').locator('canvas');
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 50 && box.height > 50, 'the chart has a size');
  await cell.getByRole('tab', { name: 'Table' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    cell.getByRole('button', { name: 'CSV' }).click(),
  ]);
  const csv = await readFile((await download.path()) as string, 'utf8');
  assert.equal(csv, 'letter,number\r\na,1\r\nb,2\r\nc,3\r\nd,4\r\ne,5\r\n');
});

test('bad SQL shows the error and a marker where DuckDB says', { timeout: 60_000 }, async () => {
  const index = await addSqlCell(page);
  await setCellSql(page, index, 'SELECT letter\nFORM basic_append');
  await runCellAndWait(page, index);
  const error = page.getByTestId('cell').nth(index).getByTestId('cell-error');
  assert.match((await error.textContent()) ?? '', /syntax error/i);
  const markers = await page.evaluate(() => {
    const m = (
      window as unknown as {
        monaco: { editor: { getModelMarkers(f: object): { startLineNumber: number }[] } };
      }
    ).monaco;
    return m.editor.getModelMarkers({ owner: 'duckdb' }).map((marker) => marker.startLineNumber);
  });
  assert.deepEqual(markers, [2]);
});

test('the server path returns the same rows as the browser path', { timeout: 60_000 }, async () => {
  const sql = 'SELECT letter, number, a_float FROM basic_append VERSION AS OF 1 ORDER BY number';
  const index = await addSqlCell(page);
  await setCellSql(page, index, sql);
  await runCellAndWait(page, index);
  const browserRows = await readGrid(page, index);
  const cell = page.getByTestId('cell').nth(index);
  await cell.getByLabel('Run on', { exact: true }).selectOption('server');
  await runCellAndWait(page, index);
  assert.match((await cell.getByTestId('cell-result').textContent()) ?? '', /server \(native DuckDB\)/);
  assert.deepEqual(await readGrid(page, index), browserRows);
  assert.equal(browserRows.length, 5);
});

test(
  'partition values and deletion vectors read the same in the browser as the catalog says',
  { timeout: 60_000 },
  async () => {
    const catalog = (await (
      await fetch(`${wb.server.url}/api/catalog/tables`, { headers: { cookie: wb.analyst } })
    ).json()) as { tables: { name: string; rowCount: number }[] };
    const expected = (name: string) => String(catalog.tables.find((t) => t.name === name)?.rowCount);
    const index = await addSqlCell(page);
    await setCellSql(
      page,
      index,
      'SELECT (SELECT count(*) FROM dv_partitioned) AS dv, (SELECT count(*) FROM basic_partitioned) AS part, ' +
        '(SELECT count(*) FROM basic_partitioned WHERE letter IS NULL) AS null_letters',
    );
    await runCellAndWait(page, index);
    const [row] = await readGrid(page, index);
    assert.deepEqual(row?.slice(0, 2), [expected('dv_partitioned'), expected('basic_partitioned')]);
    assert.equal(row?.[2], '1');
  },
);

test('reload keeps the notebook', { timeout: 60_000 }, async () => {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state') === 'saved',
  );
  const before = await page.getByTestId('cell').count();
  await page.reload();
  await page.getByTestId('cell').first().waitFor();
  assert.equal(await page.getByTestId('cell').count(), before);
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  const first = await page.evaluate(() => {
    const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
      .monaco;
    return m.editor.getEditors().map((e) => e.getValue());
  });
  assert.ok(first.some((text) => text.includes('SELECT letter, number FROM basic_append ORDER BY number')));
  assert.ok(first.some((text) => text.includes('VERSION AS OF 0')));
});

test(
  'a selective query on a large table fetches a small fraction of its bytes',
  { timeout: 120_000 },
  async () => {
    lakeBytes.clear();
    const index = await addSqlCell(page);
    // What the browser fetches is the point here, whatever Auto would choose for a table this size.
    await page.getByTestId('cell').nth(index).getByLabel('Run on', { exact: true }).selectOption('browser');
    await setCellSql(
      page,
      index,
      'SELECT id, district FROM big_events WHERE id BETWEEN 500000 AND 500009 ORDER BY id',
    );
    await runCellAndWait(page, index);
    const rows = await readGrid(page, index);
    assert.equal(rows.length, 10);
    assert.deepEqual(rows[0], ['500000', 'district_8']);
    const fetched = [...lakeBytes.entries()]
      .filter(([path]) => path.includes('/big_events/'))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
    const fraction = fetched / wb.fixture.bigBytes;
    console.log(
      `selective query fetched ${fetched} of ${wb.fixture.bigBytes} bytes (${(fraction * 100).toFixed(2)}%)`,
    );
    assert.ok(fetched > 0, 'the query read the table over the lake route');
    assert.ok(fraction < 0.1, `fetched ${(fraction * 100).toFixed(1)}% of the table`);
  },
);

test('a long query can be cancelled and the page stays responsive', { timeout: 60_000 }, async () => {
  const index = await addSqlCell(page);
  await setCellSql(page, index, 'SELECT count(*) FROM range(100000000000) a');
  const cell = page.getByTestId('cell').nth(index);
  await cell.getByTestId('run-cell').click();
  await cell.getByTestId('cell-running').waitFor();
  // The page answers while the worker is busy.
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  await cell.getByTestId('cancel-cell').click();
  await cell.getByText('Cancelled.').waitFor({ timeout: 10_000 });
  // The engine still works afterwards.
  await setCellSql(page, index, 'SELECT 42 AS answer');
  await runCellAndWait(page, index);
  assert.deepEqual(await readGrid(page, index), [['42']]);
});

test('no request went anywhere but the app’s origin', () => {
  const origin = new URL(wb.server.url).origin;
  const offOrigin = requested.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
  assert.deepEqual(offOrigin, []);
  // The eh bundle (ARCHITECTURE.md §4), served by the app; mvp is only the fallback for browsers without it.
  assert.ok(requested.some((url) => url.includes('/vendor/duckdb/duckdb-eh.wasm')));
  assert.ok(requested.some((url) => url.includes('/vendor/monaco/')));
  assert.deepEqual(pageErrors, []);
});
