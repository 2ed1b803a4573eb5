// The editor that understands the query, in Chromium: alias completion offers the aliased table's columns with
// their types, hover tells a column's type and a function's description (from the engine's duckdb_functions()),
// Shift+Enter / Alt+Enter run and move on, `?` opens the shortcut list, a collapsed cell stays collapsed after a
// reload (it is saved in the notebook file), and the catalog folds away and remembers it.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSessionCookie, launchChromium } from '../support/browser';
import { readGrid, setCellSql, waitForRuns } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let page: Page;

interface TestEditor {
  setPosition(position: { lineNumber: number; column: number }): void;
  focus(): void;
  trigger(source: string, handler: string, payload: unknown): void;
}
type MonacoWindow = { monaco: { editor: { getEditors(): TestEditor[] } } };

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000 });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
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

/** Puts the cursor of the index-th editor at a line and column and focuses it. */
async function placeCursor(index: number, lineNumber: number, column: number): Promise<void> {
  await page.evaluate(
    ([i, line, col]) => {
      const editor = (window as unknown as MonacoWindow).monaco.editor.getEditors()[i as number];
      editor?.setPosition({ lineNumber: line as number, column: col as number });
      editor?.focus();
    },
    [index, lineNumber, column] as const,
  );
}

const cellIds = () =>
  page.getByTestId('cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-cell-id')));

/** Waits until the keyboard focus is inside the cell with this id. */
const focusIsIn = (cellId: string | null) =>
  page.waitForFunction(
    (id) => document.activeElement?.closest('[data-testid="cell"]')?.getAttribute('data-cell-id') === id,
    cellId,
  );

test(
  "`p.` after `FROM big_events p` offers big_events' columns with their types",
  { timeout: 120_000 },
  async () => {
    await setCellSql(page, 0, 'SELECT  FROM big_events p');
    await placeCursor(0, 1, 8);
    await page.keyboard.type('p.');
    const widget = page.locator('.suggest-widget.visible');
    await widget.locator('.monaco-list-row').first().waitFor({ timeout: 15_000 });
    const rows = await widget.locator('.monaco-list-row').evaluateAll((list) =>
      list.map((row) => ({
        name: row.querySelector('.label-name')?.textContent ?? '',
        type: row.querySelector('.details-label')?.textContent ?? '',
      })),
    );
    assert.deepEqual(rows, [
      { name: 'id', type: 'BIGINT' },
      { name: 'district', type: 'VARCHAR' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'note', type: 'VARCHAR' },
    ]);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    const text = await page.evaluate(() =>
      (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } }).monaco.editor
        .getEditors()[0]
        ?.getValue(),
    );
    assert.equal(text, 'SELECT p.id FROM big_events p');
  },
);

test(
  "hover shows a column's type and a function's description from the engine",
  { timeout: 60_000 },
  async () => {
    await setCellSql(
      page,
      0,
      "SELECT date_trunc('month', DATE '2026-11-05') AS m, p.amount FROM big_events p",
    );
    const hoverAt = (column: number, expected: string) =>
      page.waitForFunction(
        ([col, text]) => {
          const editor = (window as unknown as MonacoWindow).monaco.editor.getEditors()[0];
          const shown = [...document.querySelectorAll('.monaco-hover-content')]
            .map((e) => e.textContent)
            .join(' ');
          if (shown.includes(text as string)) return true;
          editor?.setPosition({ lineNumber: 1, column: col as number });
          editor?.focus();
          editor?.trigger('test', 'editor.action.showHover', {});
          return false;
        },
        [column, expected] as const,
        { polling: 250, timeout: 30_000 },
      );
    // `amount`: DOUBLE, a column of big_events (as p).
    await hoverAt(57, 'DOUBLE');
    assert.match(
      (await page.locator('.monaco-hover-content').last().textContent()) ?? '',
      /amount.*DOUBLE.*big_events \(p\)/s,
    );
    await page.keyboard.press('Escape');
    // date_trunc: its signatures and DuckDB's own description, read from duckdb_functions() in the browser.
    await hoverAt(10, 'Truncate to specified precision');
    assert.match(
      (await page.locator('.monaco-hover-content').last().textContent()) ?? '',
      /date_trunc\(part VARCHAR/,
    );
    await page.keyboard.press('Escape');
  },
);

test(
  'Shift+Enter runs and moves to the next cell (a new one at the end); Alt+Enter inserts one below',
  { timeout: 90_000 },
  async () => {
    await setCellSql(page, 0, 'SELECT 41 + 1 AS answer');
    assert.equal(await page.getByTestId('cell').count(), 1);
    await placeCursor(0, 1, 1);
    await page.keyboard.press('Shift+Enter');
    await waitForRuns(page, 0, 1);
    assert.deepEqual(await readGrid(page, 0), [['42']]);
    const [first, second] = await cellIds();
    assert.equal((await cellIds()).length, 2);
    await focusIsIn(second ?? null);

    // With a next cell there, Shift+Enter moves to it and adds none.
    await placeCursor(0, 1, 1);
    await page.keyboard.press('Shift+Enter');
    await waitForRuns(page, 0, 2);
    assert.equal((await cellIds()).length, 2);
    await focusIsIn(second ?? null);

    // Alt+Enter: run, and a new cell right below the one that ran.
    await placeCursor(0, 1, 1);
    await page.keyboard.press('Alt+Enter');
    await waitForRuns(page, 0, 3);
    const ids = await cellIds();
    assert.equal(ids.length, 3);
    assert.equal(ids[0], first);
    assert.equal(ids[2], second);
    await focusIsIn(ids[1] ?? null);
  },
);

test(
  '`?` outside an editor opens the shortcut list; typed in an editor it is just a character',
  { timeout: 30_000 },
  async () => {
    await placeCursor(1, 1, 1);
    await page.keyboard.type('?');
    assert.equal(await page.getByTestId('shortcut-list').count(), 0);
    await page.getByRole('heading', { level: 2, name: 'Tables' }).click();
    await page.keyboard.press('?');
    const list = page.getByTestId('shortcut-list');
    await list.waitFor();
    assert.match((await list.textContent()) ?? '', /Shift\+Enter.*next.*Alt\+Enter.*insert/s);
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    await page.getByTestId('shortcuts-button').click();
    await list.waitFor();
    await list.getByRole('button', { name: 'Close' }).click();
    await list.waitFor({ state: 'detached' });
  },
);

test(
  'a collapsed cell is saved in the notebook file and stays collapsed after a reload',
  { timeout: 60_000 },
  async () => {
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    const file = path.join(wb.fixture.notebooksDir, `${id}.sql`);
    const cell = page.getByTestId('cell').first();
    await cell.getByTestId('collapse-cell').click();
    assert.equal(await cell.getAttribute('data-collapsed'), 'true');
    assert.equal(await cell.getByTestId('sql-editor').count(), 0);
    assert.equal(await cell.locator('.wb-cell-summary').textContent(), 'SELECT 41 + 1 AS answer');
    // The autosave writes it; wait for the file to say so.
    while (!/^-- %% sql id=\S+ .*collapsed=1$/m.test(await readFile(file, 'utf8'))) {
      await page.waitForTimeout(200);
    }
    await page.reload();
    await page.getByTestId('cell').first().waitFor();
    const reloaded = page.getByTestId('cell').first();
    assert.equal(await reloaded.getAttribute('data-collapsed'), 'true');
    assert.equal(await reloaded.getByTestId('collapse-cell').getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByTestId('cell').nth(1).getAttribute('data-collapsed'), 'false');
    await reloaded.getByTestId('collapse-cell').click();
    await reloaded.getByTestId('sql-editor').locator('.monaco-editor').waitFor({ timeout: 30_000 });
  },
);

test('the catalog folds away, widens the notebook, and is remembered', { timeout: 60_000 }, async () => {
  const notebookWidth = () => page.locator('.wb-notebook').evaluate((e) => e.getBoundingClientRect().width);
  const open = await notebookWidth();
  // The page's own column is not capped: at 1600 px the notebook is wider than the site's 1120 px reading width.
  assert.ok(open > 1_120, `notebook ${open}px wide`);
  await page.getByTestId('catalog-collapse').click();
  await page.getByTestId('catalog-collapsed').waitFor();
  assert.equal(await page.getByTestId('catalog-table-big_events').count(), 0);
  assert.ok((await notebookWidth()) > open + 150);
  await page.reload();
  await page.getByTestId('catalog-collapsed').waitFor();
  await page.getByTestId('catalog-expand').click();
  await page.getByTestId('catalog-table-big_events').waitFor();

  // Dragging the edge widens it, and the width is kept for the next visit.
  const catalog = page.locator('.wb-catalog-column');
  const before = await catalog.evaluate((e) => e.getBoundingClientRect().width);
  const handle = await page.getByTestId('catalog-resize').boundingBox();
  assert.ok(handle);
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 40);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 120, handle.y + 40, { steps: 4 });
  await page.mouse.up();
  const widened = await catalog.evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(Math.abs(widened - (before + 120)) <= 2, `${before} → ${widened}`);
  await page.reload();
  await page.getByTestId('catalog-table-big_events').waitFor();
  await page.waitForFunction((w) => {
    const e = document.querySelector('.wb-catalog-column');
    return e !== null && Math.abs(e.getBoundingClientRect().width - w) <= 2;
  }, widened);
});
