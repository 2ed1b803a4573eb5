// A published report with a file saved in its notebook, in Chromium (issue 15 §1, §4): an analyst uploads a CSV,
// joins it with a lake table and publishes; a front-end user (no workbench rights) opens the report and sees the
// joined numbers; the notebook's file then changes and is deleted, and the report keeps the numbers frozen at
// publishing until it is published again; a frozen file that cannot be read is named on the report while the
// cells that do not read it still run.
// basic_append: letters a..e with numbers 1..5 at its latest version.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { CSRF_HEADERS } from '../support/auth';
import { addSessionCookie, launchChromium } from '../support/browser';
import { addSqlCell, readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let analyst: Page;
let reader: Page;
let notebookId = '';

const GRADES_CSV = 'letter,grade\na,x\nb,y\nc,x\nd,y\ne,x\n';
const JOIN_SQL = `SELECT g.grade, sum(b.number) AS total
FROM basic_append AS b JOIN grades AS g ON g.letter = b.letter
GROUP BY g.grade ORDER BY g.grade`;

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

/** Changes the notebook's saved file `name` as its owner, through the notebook's files route. */
async function notebookFile(method: 'PUT' | 'DELETE', name: string, body?: Uint8Array, format = 'csv') {
  const url = `${wb.server.url}/api/notebooks/${notebookId}/files/${name}${method === 'PUT' ? `?format=${format}` : ''}`;
  const res = await fetch(url, {
    method,
    headers: { cookie: wb.analyst, ...CSRF_HEADERS },
    ...(body ? { body: body as BodyInit } : {}),
  });
  assert.ok(res.ok, `${method} ${name}: ${res.status} ${await res.text()}`);
}

async function publish(): Promise<void> {
  const status = analyst.getByTestId('publish-status');
  const before = (await status.count()) ? await status.getAttribute('data-published-at') : null;
  await analyst.getByTestId('publish-button').click();
  await analyst.waitForFunction((previous) => {
    const at = document.querySelector('[data-testid="publish-status"]')?.getAttribute('data-published-at');
    return at != null && at !== previous;
  }, before);
}

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

const reportCell = (name: string) => reader.locator(`[data-testid="report-cell"][data-name="${name}"]`);
const reportGrid = (name: string) =>
  reportCell(name)
    .getByTestId('result-row')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '')),
    );

test(
  'a notebook joining an uploaded CSV with a lake table, published, shows the joined numbers to a reader',
  { timeout: 180_000 },
  async () => {
    await analyst.goto(`${wb.server.url}/workbench`);
    await analyst.getByTestId('new-notebook').click();
    await analyst.waitForURL(/\/workbench\/[a-z0-9-]+$/);
    notebookId = new URL(analyst.url()).pathname.split('/').pop() as string;
    await analyst.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
    await analyst.getByTestId('catalog-table-basic_append').waitFor();

    const uploads = analyst.getByTestId('uploads');
    await uploads.getByTestId('upload-open').click();
    await uploads
      .getByTestId('upload-file')
      .setInputFiles({ name: 'grades.csv', mimeType: 'text/csv', buffer: Buffer.from(GRADES_CSV) });
    await uploads.getByTestId('upload-keep-save').check();
    await uploads.getByTestId('upload-submit').click();
    await analyst.getByTestId('upload-grades').waitFor({ timeout: 30_000 });

    await analyst.getByTestId('cell').first().getByLabel('Cell name').fill('by_grade');
    await setCellSql(analyst, 0, JOIN_SQL);
    await runCellAndWait(analyst, 0);
    const joined = await readGrid(analyst, 0);
    assert.deepEqual(joined, [
      ['x', '9'],
      ['y', '6'],
    ]);
    const second = await addSqlCell(analyst);
    await analyst.getByTestId('cell').nth(second).getByLabel('Cell name').fill('plain');
    await setCellSql(analyst, second, 'SELECT count(*) AS n FROM basic_append');
    await analyst.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await analyst.getByTestId('publish-panel-button').click();
    await publish();

    await openReport();
    // The same numbers as in the notebook, read by a user who may not fetch the notebook's files.
    assert.deepEqual(await reportGrid('by_grade'), joined);
    assert.deepEqual(await reportGrid('plain'), [['5']]);
    assert.match((await reader.getByTestId('report-files').textContent()) ?? '', /grades \(csv, /);
    assert.equal(await reader.getByTestId('report-file-error').count(), 0);
    const direct = await fetch(`${wb.server.url}/api/notebooks/${notebookId}/files/grades`, {
      headers: { cookie: wb.frontend },
    });
    assert.equal(direct.status, 403);
  },
);

test(
  'the notebook’s file changes and is deleted: the report keeps its frozen numbers until published again',
  { timeout: 180_000 },
  async () => {
    await notebookFile('PUT', 'grades', strToU8('letter,grade\na,z\nb,z\nc,z\nd,z\ne,z\n'));
    await openReport();
    assert.deepEqual(await reportGrid('by_grade'), [
      ['x', '9'],
      ['y', '6'],
    ]);

    await publish();
    await openReport();
    assert.deepEqual(await reportGrid('by_grade'), [['z', '15']]);

    await notebookFile('DELETE', 'grades');
    await openReport();
    assert.deepEqual(await reportGrid('by_grade'), [['z', '15']]);
  },
);

test(
  'a frozen file that cannot be read is named on the report; the cells that do not read it run',
  { timeout: 180_000 },
  async () => {
    // A workbook the server accepts (a zip with a workbook inside) that holds no sheet to read.
    const empty = zipSync({
      '[Content_Types].xml': strToU8('<Types/>'),
      'xl/workbook.xml': strToU8('<workbook/>'),
    });
    await notebookFile('PUT', 'broken', empty, 'xlsx');
    // grades was deleted from the notebook: published again, the report has it no more.
    await publish();
    await openReport();
    const problem = reader.locator('[data-testid="report-file-error"][data-file="broken"]');
    assert.match(
      (await problem.textContent()) ?? '',
      /The file for table broken could not be loaded, .*no sheet with data/,
    );
    assert.match((await reader.getByTestId('report-files').textContent()) ?? '', /broken \(xlsx, /);
    assert.doesNotMatch((await reader.getByTestId('report-files').textContent()) ?? '', /grades/);
    assert.equal(await reportCell('by_grade').getAttribute('data-status'), 'error');
    assert.match((await reportCell('by_grade').getByTestId('cell-error').textContent()) ?? '', /grades/);
    assert.deepEqual(await reportGrid('plain'), [['5']]);
  },
);
