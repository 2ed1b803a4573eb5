// DuckDB-WASM timings through the real workbench page in headless Chromium: for each query a fresh browser context
// (empty HTTP cache) opens the notebook, runs the cell cold, then warm, then opens the notebook again in a new page
// of the same browser (HTTP cache filled) for the warm time to interactive; the page's own elapsed time is read.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requestedBytes, runCellAndWait } from '../workbench-page';

export interface BrowserTiming {
  /** goto → the cell's editor is ready. */
  pageReadyMs: number;
  /** goto → the first result is on screen: time to interactive, cold (empty HTTP cache). */
  firstResultMs: number;
  /** The same, reopening the page in the same browser afterwards: time to interactive, warm (HTTP cache filled). */
  warmFirstResultMs: number;
  coldMs: number;
  warmMs: number;
  /** Warm, from the click on Run to the result on screen (the page's own elapsed time leaves out rendering). */
  warmWallMs: number;
  /** Where the cell ran (its placement line), e.g. 'server' for an Auto cell the workbench sent there. */
  ranOn: string | null;
  /** Lake bytes fetched by the cold run. */
  coldBytes: number;
  rows: number;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function runCell(
  page: Page,
  index: number,
): Promise<{ ms: number; wallMs: number; rows: number; ranOn: string | null }> {
  const cell = page.getByTestId('cell').nth(index);
  const started = Date.now();
  await runCellAndWait(page, index, 600_000);
  const wallMs = Date.now() - started;
  if ((await cell.getByTestId('cell-error').count()) > 0) {
    throw new Error(`cell ${index} failed: ${await cell.getByTestId('cell-error').textContent()}`);
  }
  const ms = Number(await cell.getByTestId('elapsed').getAttribute('data-ms'));
  const rows = Number(((await cell.getByTestId('row-count').textContent()) ?? '0').replace(/[^0-9]/g, ''));
  const ranOn = await cell.getByTestId('placement-note').getAttribute('data-run-on');
  return { ms, wallMs, rows, ranOn };
}

export async function measureInBrowser(
  browser: Browser,
  options: {
    baseUrl: string;
    cookie: string;
    notebookId: string;
    cellIndex: number;
    warmRuns: number;
    tableBytes: number;
  },
): Promise<BrowserTiming> {
  const context: BrowserContext = await browser.newContext();
  try {
    const [name, ...rest] = options.cookie.split('=');
    await context.addCookies([{ name: name as string, value: rest.join('='), url: options.baseUrl }]);
    let bytes = 0;
    // From the Range of each GET: Playwright reports stale response headers for a worker's synchronous XHRs.
    context.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname.startsWith('/api/lake/')) {
        bytes += requestedBytes(request.headers()['range'], options.tableBytes);
      }
    });
    const open = async (page: Page) => {
      const started = Date.now();
      await page.goto(`${options.baseUrl}/workbench/${options.notebookId}`);
      await page
        .getByTestId('sql-editor')
        .nth(options.cellIndex)
        .locator('.monaco-editor')
        .waitFor({ timeout: 60_000 });
      const readyMs = Date.now() - started;
      const first = await runCell(page, options.cellIndex);
      return { readyMs, first, firstResultMs: Date.now() - started };
    };
    const page = await context.newPage();
    const cold = await open(page);
    const coldBytes = bytes;
    const warm: number[] = [];
    const warmWall: number[] = [];
    for (let i = 0; i < options.warmRuns; i += 1) {
      const run = await runCell(page, options.cellIndex);
      warm.push(run.ms);
      warmWall.push(run.wallMs);
    }
    await page.close();
    const reopened = await open(await context.newPage());
    return {
      pageReadyMs: cold.readyMs,
      firstResultMs: cold.firstResultMs,
      warmFirstResultMs: reopened.firstResultMs,
      coldMs: cold.first.ms,
      warmMs: median(warm),
      warmWallMs: median(warmWall),
      ranOn: cold.first.ranOn,
      coldBytes,
      rows: cold.first.rows,
    };
  } finally {
    await context.close();
  }
}
