// Auto placement in Chromium against the built app: a new cell is Auto; an aggregate over a table past the large
// line (1,200,000 rows) runs on the server and says why, a small table and a re-sliced result run in the browser,
// a forced path is kept (and saved), and when the server path is at its concurrency limit (QUERY_MAX_TOTAL=1,
// held by another analyst's long query) Auto runs the cell in the browser and says so, while a cell forced to
// the server shows the server's refusal.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CSRF_HEADERS } from '../support/auth';
import { addSessionCookie, launchChromium } from '../support/browser';
import { addSqlCell, readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

const ROWS = 1_200_000;
let wb: WorkbenchServer;
let browser: Browser;
let page: Page;

before(async () => {
  wb = await startWorkbenchServer({ bigRows: ROWS, env: { QUERY_MAX_TOTAL: '1' } });
  browser = await launchChromium();
  const context = await browser.newContext();
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

// big_events (lake-fixture.ts): district 'district_' || id % 12, so each of the 12 districts has ROWS / 12 rows.
const BY_DISTRICT = 'SELECT district, count(*) AS n FROM big_events GROUP BY district ORDER BY district';
const EXPECTED = Array.from({ length: 12 }, (_, i) => `district_${i}`)
  .sort()
  .map((district) => [district, String(ROWS / 12)]);

const cell = (index: number) => page.getByTestId('cell').nth(index);
const runOn = (index: number) => cell(index).getByLabel('Run on', { exact: true });
async function note(index: number): Promise<{ path: string | null; text: string }> {
  const line = cell(index).getByTestId('placement-note');
  return { path: await line.getAttribute('data-run-on'), text: ((await line.textContent()) ?? '').trim() };
}

test(
  'under Auto, an aggregate over a large table runs on the server and says why',
  { timeout: 120_000 },
  async () => {
    assert.equal(await runOn(0).inputValue(), 'auto', 'a new cell is Auto');
    await setCellSql(page, 0, BY_DISTRICT);
    await runCellAndWait(page, 0, 120_000);
    assert.equal(await cell(0).getByTestId('cell-error').count(), 0);
    const placed = await note(0);
    assert.equal(placed.path, 'server');
    assert.match(
      placed.text,
      /^Ran on the server \(Auto\): reads 1,200,000 rows, \d+ (MB|kB) of big_events; the result is small \(an aggregate\)$/,
    );
    assert.match((await cell(0).getByTestId('cell-result').textContent()) ?? '', /server \(native DuckDB\)/);
    assert.deepEqual(await readGrid(page, 0), EXPECTED);
  },
);

test(
  'a small table, and a result re-sliced by a later cell, stay in the browser',
  { timeout: 120_000 },
  async () => {
    const small = await addSqlCell(page);
    await setCellSql(page, small, 'SELECT letter, number FROM basic_append ORDER BY number');
    await runCellAndWait(page, small);
    const placed = await note(small);
    assert.equal(placed.path, 'browser');
    assert.match(
      placed.text,
      /^Ran in the browser \(Auto\): reads \d+ rows, \d+ kB of basic_append, small enough/,
    );
    assert.equal((await readGrid(page, small)).length, 5);

    const slice = await addSqlCell(page);
    await setCellSql(page, slice, "SELECT district FROM result_1 WHERE district < 'district_11' ORDER BY 1");
    await runCellAndWait(page, slice);
    assert.deepEqual(await note(slice), {
      path: 'browser',
      text: 'Ran in the browser (Auto): re-slices the result of cell 1',
    });
    assert.deepEqual(await readGrid(page, slice), [['district_0'], ['district_1'], ['district_10']]);
  },
);

test('a forced path is kept, and saved with the notebook', { timeout: 180_000 }, async () => {
  await runOn(0).selectOption('browser');
  await runCellAndWait(page, 0, 150_000);
  assert.deepEqual(await note(0), { path: 'browser', text: 'Ran in the browser: chosen for this cell' });
  assert.match((await cell(0).getByTestId('cell-result').textContent()) ?? '', /browser \(DuckDB-WASM\)/);
  assert.deepEqual(await readGrid(page, 0), EXPECTED);

  await runOn(1).selectOption('server');
  await runCellAndWait(page, 1);
  assert.deepEqual(await note(1), { path: 'server', text: 'Ran on the server: chosen for this cell' });

  await page.waitForFunction(
    () => document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state') === 'saved',
  );
  await page.reload();
  await page.getByTestId('sql-editor').nth(2).locator('.monaco-editor').waitFor({ timeout: 30_000 });
  assert.deepEqual(
    [await runOn(0).inputValue(), await runOn(1).inputValue(), await runOn(2).inputValue()],
    ['browser', 'server', 'auto'],
  );
  await runOn(0).selectOption('auto');
});

test(
  'when the server is busy, Auto runs the cell in the browser and says so',
  { timeout: 180_000 },
  async () => {
    await page.getByTestId('catalog-table-big_events').waitFor();
    // Another analyst's long query takes the server's one slot (QUERY_MAX_TOTAL=1) until it is aborted.
    const hold = new AbortController();
    const held = fetch(`${wb.server.url}/api/query`, {
      method: 'POST',
      headers: { cookie: wb.analyst2, 'content-type': 'application/json', ...CSRF_HEADERS },
      body: JSON.stringify({ sql: 'SELECT count(*) FROM range(100000000000) a', tables: [], maxRows: 10 }),
      signal: hold.signal,
    }).catch(() => null);
    try {
      // Until the server answers 429, the long query has not taken its slot yet.
      let status = 0;
      for (let i = 0; i < 100 && status !== 429; i += 1) {
        const probe = await fetch(`${wb.server.url}/api/query`, {
          method: 'POST',
          headers: { cookie: wb.analyst, 'content-type': 'application/json', ...CSRF_HEADERS },
          body: JSON.stringify({ sql: 'SELECT 1', tables: [], maxRows: 10 }),
        });
        status = probe.status;
        await probe.arrayBuffer();
        if (status !== 429) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 429, 'the long query holds the server path');

      await runCellAndWait(page, 0, 150_000);
      assert.equal(await cell(0).getByTestId('cell-error').count(), 0);
      assert.deepEqual(await note(0), {
        path: 'browser',
        text:
          'Ran in the browser (Auto): the server is running as many queries as it allows, so Auto ran it here ' +
          'instead',
      });
      assert.deepEqual(await readGrid(page, 0), EXPECTED);

      // A cell forced to the server does not fall back: it shows the server's answer.
      await runCellAndWait(page, 1);
      assert.match((await cell(1).getByTestId('cell-error').textContent()) ?? '', /most it runs at once/);
    } finally {
      hold.abort();
      await held;
    }
  },
);
