// Driving the workbench page in Chromium: cells, the Monaco editors (through the page's global `monaco`, which
// the self-hosted AMD build defines), results.

import type { Page } from 'playwright-core';

export async function setCellSql(page: Page, index: number, sql: string): Promise<void> {
  await page.waitForFunction((i) => {
    const m = (window as unknown as { monaco?: { editor: { getEditors(): unknown[] } } }).monaco;
    return (m?.editor.getEditors().length ?? 0) > i;
  }, index);
  await page.evaluate(
    ([i, text]) => {
      const m = (
        window as unknown as { monaco: { editor: { getEditors(): { setValue(v: string): void }[] } } }
      ).monaco;
      m.editor.getEditors()[i as number]?.setValue(text as string);
    },
    [index, sql] as const,
  );
  // The editor's change reaches the notebook through a React state update; let it render before anyone clicks Run.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

/** Clicks Run and waits until that run has finished (the cell counts its finished runs). */
export async function runCellAndWait(page: Page, index: number, timeout = 60_000): Promise<void> {
  const body = page.getByTestId('cell').nth(index).locator('.wb-cell-body');
  const before = Number(await body.getAttribute('data-runs'));
  await page.getByTestId('cell').nth(index).getByTestId('run-cell').click();
  await waitForRuns(page, index, before + 1, timeout);
}

export async function waitForRuns(page: Page, index: number, runs: number, timeout = 60_000): Promise<void> {
  await page
    .getByTestId('cell')
    .nth(index)
    .locator(`.wb-cell-body[data-runs="${runs}"]`)
    .waitFor({ timeout });
}

/** Bytes a request asked the lake route for: its Range, or the whole file (from an earlier HEAD) without one. */
export function requestedBytes(range: string | undefined, size: number): number {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range ?? '');
  if (!match) return size;
  const [, start = '', end = ''] = match;
  if (start === '') return Math.min(Number(end), size);
  const last = end === '' ? size - 1 : Math.min(Number(end), size - 1);
  return Math.max(0, last - Number(start) + 1);
}

/**
 * Text of every rendered grid row of a cell, cells joined by tabs (row number dropped). The virtualized grid
 * renders its rows once it has measured itself, so this waits for the first row of a non-empty result.
 */
export async function readGrid(page: Page, index: number): Promise<string[][]> {
  const cell = page.getByTestId('cell').nth(index);
  const count = (await cell.getByTestId('row-count').textContent({ timeout: 30_000 })) ?? '';
  if (count.trim() !== '0 rows') await cell.getByTestId('result-row').first().waitFor({ timeout: 30_000 });
  return cell
    .getByTestId('result-row')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '')),
    );
}

export async function addSqlCell(page: Page): Promise<number> {
  await page.getByTestId('add-sql').click();
  return (await page.getByTestId('cell').count()) - 1;
}
