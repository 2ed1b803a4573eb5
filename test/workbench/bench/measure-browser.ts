// DuckDB-WASM timings through the real workbench page in headless Chromium: for each query a fresh browser context
// (empty HTTP cache, empty Cache Storage) opens the notebook, runs the cell cold, then warm, then opens the notebook
// again in a new page of the same browser (second visit: the lake worker's Cache API copy filled) for the warm time
// to interactive. Bytes are counted on the server side (a proxy in front of the app, test/support/
// lake-byte-counter.ts); where the cold time goes is read from the page's own `wb:` measures (browser-engine.ts).

import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LakeByteCounter } from '../../support/lake-byte-counter';
import { runCellAndWait } from '../workbench-page';
import { BENCH_TABLE } from './bench-data';

/** Where a page's time went, in ms from navigation start: the page itself, then the workbench's `wb:` spans. */
export interface PageProfile {
  /** Navigation: HTML received, DOM interactive, load event. */
  responseEnd: number;
  domInteractive: number;
  loadEventEnd: number;
  /** Each `wb:<name>` measure: its start and duration (first occurrence; a query's spans are its first run's). */
  spans: Record<string, { start: number; ms: number }>;
}

export interface BrowserTiming {
  /** goto → the cell's editor is ready. */
  pageReadyMs: number;
  /** goto → the first result is on screen: time to interactive, cold (empty HTTP cache, empty Cache Storage). */
  firstResultMs: number;
  /** The same, reopening the page in the same browser afterwards: time to interactive, warm (caches filled). */
  warmFirstResultMs: number;
  coldMs: number;
  warmMs: number;
  /** Warm, from the click on Run to the result on screen (the page's own elapsed time leaves out rendering). */
  warmWallMs: number;
  /** Where the cell ran (its placement line), e.g. 'server' for an Auto cell the workbench sent there. */
  ranOn: string | null;
  /** Lake bytes the server sent for the cold run. */
  coldBytes: number;
  /** Lake bytes the server sent for the warm runs of the same page (a session never fetches a byte twice: 0). */
  warmBytes: number;
  /** Lake bytes the server sent for the second visit (new page, same browser): 0 for unchanged files. */
  secondVisitBytes: number;
  /** Where the cold page's time went. */
  coldProfile: PageProfile;
  /** Where the second visit's time went. */
  warmProfile: PageProfile;
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

async function readProfile(page: Page): Promise<PageProfile> {
  // No helper functions inside: tsx names them with a __name the page does not have.
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    const spans: Record<string, { start: number; ms: number }> = {};
    for (const entry of performance.getEntriesByType('measure')) {
      const name = entry.name.replace(/^wb:/, '');
      if (name === entry.name || spans[name]) continue;
      spans[name] = { start: Math.round(entry.startTime), ms: Math.round(entry.duration) };
    }
    return {
      responseEnd: Math.round(navigation?.responseEnd ?? 0),
      domInteractive: Math.round(navigation?.domInteractive ?? 0),
      loadEventEnd: Math.round(navigation?.loadEventEnd ?? 0),
      spans,
    };
  });
}

async function newContext(
  browser: Browser,
  options: { baseUrl: string; cookie: string },
): Promise<BrowserContext> {
  const context = await browser.newContext();
  const [name, ...rest] = options.cookie.split('=');
  await context.addCookies([{ name: name as string, value: rest.join('='), url: options.baseUrl }]);
  return context;
}

/** Opens the notebook and runs one cell: editor ready and first result, in ms from goto. */
async function openAndRun(page: Page, url: string, cellIndex: number) {
  const started = Date.now();
  await page.goto(url);
  await page.getByTestId('sql-editor').nth(cellIndex).locator('.monaco-editor').waitFor({ timeout: 60_000 });
  // A cell run before the catalog has listed the tables does not know the table is a lake table.
  await page.getByTestId(`catalog-table-${BENCH_TABLE}`).waitFor({ timeout: 60_000 });
  const readyMs = Date.now() - started;
  const first = await runCell(page, cellIndex);
  return { readyMs, first, firstResultMs: Date.now() - started, profile: await readProfile(page) };
}

/** The lake worker writes to the Cache API after a run; a second visit is measured once all of it is stored. */
async function waitForCacheWrites(page: Page, bytes: number): Promise<void> {
  await page
    .waitForFunction(
      async (wanted) => {
        if (!(await caches.has('lake-files-v1'))) return wanted === 0;
        const cache = await caches.open('lake-files-v1');
        let total = 0;
        for (const request of await cache.keys()) {
          const match = /\/(\d+)-(\d+)$/.exec(new URL(request.url).pathname);
          if (match) total += Number(match[2]) - Number(match[1]) + 1;
        }
        return total >= wanted;
      },
      bytes,
      { timeout: 60_000, polling: 250 },
    )
    .catch(() => {
      // A build without the lake cache (a baseline run): the second visit is measured as it is.
      console.warn('[workbench] the lake cache did not fill up; measuring the second visit anyway');
    });
}

export async function measureInBrowser(
  browser: Browser,
  counter: LakeByteCounter,
  options: { cookie: string; notebookId: string; cellIndex: number; warmRuns: number },
): Promise<BrowserTiming> {
  const context = await newContext(browser, { baseUrl: counter.url, cookie: options.cookie });
  const url = `${counter.url}/workbench/${options.notebookId}`;
  try {
    const start = counter.bytes();
    const page = await context.newPage();
    const cold = await openAndRun(page, url, options.cellIndex);
    const coldBytes = counter.bytes() - start;
    const warm: number[] = [];
    const warmWall: number[] = [];
    for (let i = 0; i < options.warmRuns; i += 1) {
      const run = await runCell(page, options.cellIndex);
      warm.push(run.ms);
      warmWall.push(run.wallMs);
    }
    const warmBytes = counter.bytes() - start - coldBytes;
    await waitForCacheWrites(page, coldBytes);
    await page.close();
    const beforeSecond = counter.bytes();
    const reopened = await openAndRun(await context.newPage(), url, options.cellIndex);
    return {
      pageReadyMs: cold.readyMs,
      firstResultMs: cold.firstResultMs,
      warmFirstResultMs: reopened.firstResultMs,
      coldMs: cold.first.ms,
      warmMs: median(warm),
      warmWallMs: median(warmWall),
      ranOn: cold.first.ranOn,
      coldBytes,
      warmBytes,
      secondVisitBytes: counter.bytes() - beforeSecond,
      coldProfile: cold.profile,
      warmProfile: reopened.profile,
      rows: cold.first.rows,
    };
  } finally {
    await context.close();
  }
}

/** One fresh session running every cell once, in order: lake bytes the server sent per query and in all. */
export async function measureSessionBytes(
  browser: Browser,
  counter: LakeByteCounter,
  options: { cookie: string; notebookId: string; cells: number },
): Promise<{ perQuery: number[]; session: number }> {
  const context = await newContext(browser, { baseUrl: counter.url, cookie: options.cookie });
  try {
    const start = counter.bytes();
    const page = await context.newPage();
    await page.goto(`${counter.url}/workbench/${options.notebookId}`);
    await page.getByTestId(`catalog-table-${BENCH_TABLE}`).waitFor({ timeout: 60_000 });
    const perQuery: number[] = [];
    for (let index = 0; index < options.cells; index += 1) {
      const before = counter.bytes();
      await runCell(page, index);
      perQuery.push(counter.bytes() - before);
    }
    return { perQuery, session: counter.bytes() - start };
  } finally {
    await context.close();
  }
}
