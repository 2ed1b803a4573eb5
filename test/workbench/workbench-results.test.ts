// The editor and results in Chromium beyond the basic run: DuckDB highlighting; completion of columns, keywords and
// functions; Format;
// the four chart kinds; Parquet and Arrow exports; a shareable link another analyst opens; and the catalog's
// admin-only "Restore to this version".

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDuckDbSession, toSqlString } from '../../pipelines/engine/duckdb-session';
import { launchChromium } from '../support/browser';
import { readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let page: Page;
let notebookUrl: string;

async function contextFor(cookie: string): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true });
  const [name, ...rest] = cookie.split('=');
  await context.addCookies([{ name: name as string, value: rest.join('='), url: wb.server.url }]);
  return context;
}

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 1_000 });
  browser = await launchChromium();
  page = await (await contextFor(wb.analyst)).newPage();
  await page.goto(`${wb.server.url}/workbench`);
  await page.getByTestId('new-notebook').click();
  await page.waitForURL(/\/workbench\/[a-z0-9-]+$/);
  notebookUrl = page.url();
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await page.getByTestId('catalog-table-basic_append').waitFor();
});

after(async () => {
  await browser?.close();
  await wb?.stop();
});

/** Labels Monaco suggests with the cursor at the end of `text` in the first editor. */
async function suggestionsFor(text: string): Promise<string[]> {
  await setCellSql(page, 0, text);
  await page.evaluate((value) => {
    const m = (
      window as unknown as {
        monaco: {
          editor: {
            getEditors(): {
              focus(): void;
              setPosition(p: object): void;
              trigger(s: string, id: string, a: object): void;
            }[];
          };
        };
      }
    ).monaco;
    const editor = m.editor.getEditors()[0];
    editor?.focus();
    editor?.setPosition({ lineNumber: 1, column: value.length + 1 });
    editor?.trigger('test', 'editor.action.triggerSuggest', {});
  }, text);
  const rows = page.locator('.monaco-editor .suggest-widget .monaco-list-row');
  await rows.first().waitFor();
  const labels = await rows.evaluateAll((list) =>
    list.map((row) => row.querySelector('.label-name')?.textContent ?? ''),
  );
  await page.keyboard.press('Escape');
  return labels;
}

test('completion offers columns, keywords and functions', { timeout: 60_000 }, async () => {
  assert.ok((await suggestionsFor('SELECT lett')).includes('letter'), 'a column of a lake table');
  assert.ok((await suggestionsFor('SELECT 1 GROU')).includes('GROUP BY'), 'a keyword');
  assert.ok((await suggestionsFor('SELECT string_ag')).includes('string_agg'), 'a function');
});

test('the editor highlights DuckDB SQL: its keywords, types, functions, strings and comments', async () => {
  const sql = "SELECT * EXCLUDE (x), string_agg(y, ',')::VARCHAR FROM t QUALIFY n = 1 -- note";
  // Plain code only inside evaluate: tsx would wrap named helpers in a __name() the page does not have.
  const tokens = await page.evaluate((text) => {
    const m = (
      window as unknown as {
        monaco: {
          editor: {
            getEditors(): { getModel(): { getLanguageId(): string } | null }[];
            tokenize(text: string, language: string): { offset: number; type: string }[][];
          };
        };
      }
    ).monaco;
    return {
      language: m.editor.getEditors()[0]?.getModel()?.getLanguageId(),
      line: m.editor.tokenize(text, 'duckdb')[0] ?? [],
    };
  }, sql);
  const typeOf = (word: string) => tokens.line.filter((t) => t.offset <= sql.indexOf(word)).at(-1)?.type;
  assert.equal(tokens.language, 'duckdb');
  assert.deepEqual(['SELECT', 'EXCLUDE', 'string_agg', "','", 'VARCHAR', 'QUALIFY', '-- note'].map(typeOf), [
    'keyword.sql',
    'keyword.sql',
    'predefined.sql',
    'string.sql',
    'type.sql',
    'keyword.sql',
    'comment.sql',
  ]);
});

test('Format lays the SQL out with the formatter', { timeout: 30_000 }, async () => {
  await setCellSql(page, 0, 'select letter,number from basic_append where number>2 order by number');
  await page.getByTestId('cell').first().getByRole('button', { name: 'Format' }).click();
  const text = await page.evaluate(() => {
    const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
      .monaco;
    return m.editor.getEditors()[0]?.getValue();
  });
  assert.equal(
    text,
    'SELECT\n  letter,\n  number\nFROM\n  basic_append\nWHERE\n  number > 2\nORDER BY\n  number',
  );
});

test('bar, line, scatter and histogram charts draw the result', { timeout: 60_000 }, async () => {
  await setCellSql(page, 0, 'SELECT letter, number, number * number AS square FROM basic_append ORDER BY 2');
  await runCellAndWait(page, 0);
  const cell = page.getByTestId('cell').first();
  await cell.getByRole('tab', { name: 'Chart' }).click();
  const chart = cell.getByTestId('result-chart');
  const drawn = async () => ({
    kind: await chart.getAttribute('data-kind'),
    points: Number(await chart.getAttribute('data-points')),
    total: Number(await chart.getAttribute('data-total')),
    // Some pixel of the canvas is painted.
    painted: await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) return true;
      return false;
    }),
  });
  // The controls, in order: chart kind, X (Values for a histogram), Y.
  const kind = chart.locator('select').nth(0);
  const xSelect = chart.locator('select').nth(1);
  // Bar and line: letters along x, the first numeric column (number: 1..5) as y.
  assert.deepEqual(await drawn(), { kind: 'bar', points: 5, total: 15, painted: true });
  await kind.selectOption('line');
  assert.deepEqual(await drawn(), { kind: 'line', points: 5, total: 15, painted: true });
  await kind.selectOption('scatter');
  await xSelect.selectOption({ label: 'number' });
  await chart.locator('select').nth(2).selectOption({ label: 'square' });
  assert.deepEqual(await drawn(), { kind: 'scatter', points: 5, total: 0, painted: true });
  // A histogram counts every value once, in 30 bins.
  await kind.selectOption('histogram');
  await xSelect.selectOption({ label: 'square' });
  assert.deepEqual(await drawn(), { kind: 'histogram', points: 30, total: 5, painted: true });
  await cell.getByRole('tab', { name: 'Table' }).click();
});

test('Parquet and Arrow exports hold the result', { timeout: 60_000 }, async () => {
  const cell = page.getByTestId('cell').first();
  const download = async (button: string) => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      cell.getByRole('button', { name: button }).click(),
    ]);
    return { name: file.suggestedFilename(), path: (await file.path()) as string };
  };
  const expected = [1, 2, 3, 4, 5].map((n) => [String.fromCharCode(96 + n), n, n * n]);
  const parquet = await download('Parquet');
  assert.match(parquet.name, /\.parquet$/);
  const duckdb = await createDuckDbSession();
  try {
    const rows = await duckdb.query(`SELECT * FROM read_parquet(${toSqlString(parquet.path)}) ORDER BY 2`);
    assert.deepEqual(
      rows.rows.map((row) => [row.letter, Number(row.number), Number(row.square)]),
      expected,
    );
  } finally {
    duckdb.close();
  }
  const arrow = await download('Arrow');
  assert.match(arrow.name, /\.arrow$/);
  const table = tableFromIPC(await readFile(arrow.path));
  assert.deepEqual(
    table.toArray().map((row) => [row.letter, Number(row.number), Number(row.square)]),
    expected,
  );
});

test(
  'a shareable link opens the saved notebook for an analyst it is shared with',
  { timeout: 60_000 },
  async () => {
    await page.waitForFunction(
      () => document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state') === 'saved',
    );
    await page.getByTestId('share-notebook').click();
    const link = await page.getByTestId('share-link').inputValue();
    assert.equal(link, notebookUrl);
    // Notebooks belong to their owner: the link opens for another analyst once the owner shares it (read).
    await page.getByTestId('sharing-button').click();
    const sharing = page.getByTestId('notebook-sharing');
    await sharing.getByLabel('Share with (user name, or role:analyst)').fill('bea');
    await sharing.getByLabel('Access').selectOption('read');
    await sharing.getByRole('button', { name: 'Share', exact: true }).click();
    await sharing.getByTestId('notebook-share').filter({ hasText: 'bea: can read' }).waitFor();
    const other = await (await contextFor(wb.analyst2)).newPage();
    await other.goto(link);
    await other.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
    assert.equal(await other.getByTestId('save-state').getAttribute('data-state'), 'read-only');
    const texts = await other.evaluate(() => {
      const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
        .monaco;
      return m.editor.getEditors().map((e) => e.getValue());
    });
    assert.deepEqual(texts, [
      'SELECT letter, number, number * number AS square FROM basic_append ORDER BY 2',
    ]);
    await other.context().close();
  },
);

async function openVersions(on: Page): Promise<void> {
  const entry = on.getByTestId('catalog-table-basic_append');
  await entry.locator('summary').first().click();
  await entry.getByTestId('versions-basic_append').locator('summary').click();
  await entry.getByTestId('version-0').waitFor();
}

test('only admins are offered "Restore to this version", after confirming', { timeout: 90_000 }, async () => {
  await openVersions(page);
  assert.equal(await page.getByTestId('restore-version').count(), 0, 'analysts see no restore');
  const admin = await (await contextFor(wb.admin)).newPage();
  await admin.goto(notebookUrl);
  await admin.getByTestId('catalog-table-basic_append').waitFor();
  await openVersions(admin);
  // v1 is current, so only v0 can be restored.
  const restore = admin.getByTestId('version-0').getByTestId('restore-version');
  await restore.waitFor();
  assert.equal(await admin.getByTestId('restore-version').count(), 1);
  // Dismissing the confirmation changes nothing.
  admin.once('dialog', (dialog) => void dialog.dismiss());
  await restore.click();
  assert.equal(await admin.getByTestId('restore-notice').count(), 0);
  admin.once('dialog', (dialog) => void dialog.accept());
  await restore.click();
  const notice = admin.getByTestId('restore-notice');
  await notice.waitFor();
  assert.equal(await notice.textContent(), 'Restored basic_append to v0: now at v2.');
  await admin.getByTestId('version-2').waitFor();
  await setCellSql(admin, 0, 'SELECT letter FROM basic_append ORDER BY letter');
  await runCellAndWait(admin, 0);
  assert.deepEqual(await readGrid(admin, 0), [['a'], ['b'], ['c']]);
  await admin.context().close();
  // Asked again now that the analyst's page has long had its answer from /api/auth/me.
  assert.equal(await page.getByTestId('restore-version').count(), 0, 'analysts still see no restore');
});
