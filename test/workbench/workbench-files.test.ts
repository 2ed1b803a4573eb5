// Excel and files in Chromium (issue 15 §4): a result exported as .xlsx reads back with the same values and types;
// an uploaded CSV joins with a lake table; an .xlsx and a .parquet load too; saved files come back when the
// notebook opens again and page-only ones do not; a too-large file is refused with a message; a stranger cannot
// read the saved files.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDuckDbSession, toSqlString } from '../../pipelines/engine/duckdb-session';
import { readXlsx, writeXlsx } from '../../server/notebooks/xlsx';
import { CSRF_HEADERS } from '../support/auth';
import { launchChromium } from '../support/browser';
import { readGrid, runCellAndWait, setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser;
let page: Page;
let notebookId = '';

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
  notebookId = new URL(page.url()).pathname.split('/').pop() as string;
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
  await page.getByTestId('catalog-table-basic_append').waitFor();
});

after(async () => {
  await browser?.close();
  await wb?.stop();
});

async function runSql(sql: string): Promise<string[][]> {
  await setCellSql(page, 0, sql);
  await runCellAndWait(page, 0);
  const error = page.getByTestId('cell').first().locator('.wb-error');
  if (await error.count()) assert.fail(`the cell failed: ${await error.first().textContent()}`);
  return readGrid(page, 0);
}

async function upload(
  file: { name: string; buffer: Buffer } | string,
  keep: 'save' | 'browser',
): Promise<void> {
  const uploads = page.getByTestId('uploads');
  if ((await uploads.getByTestId('upload-file').count()) === 0)
    await uploads.getByTestId('upload-open').click();
  await uploads
    .getByTestId('upload-file')
    .setInputFiles(typeof file === 'string' ? file : { ...file, mimeType: 'application/octet-stream' });
  await uploads.getByTestId(`upload-keep-${keep}`).check();
  await uploads.getByTestId('upload-submit').click();
}

/** Waits for the uploaded table's entry, failing with the page's own message if the upload was refused. */
async function loaded(name: string): Promise<string> {
  const entry = page.getByTestId(`upload-${name}`);
  const error = page.getByTestId('upload-error');
  await entry.or(error).first().waitFor({ timeout: 30_000 });
  if (await error.count()) assert.fail(`upload of ${name} refused: ${await error.textContent()}`);
  return (await entry.textContent()) ?? '';
}

test(
  'a result exported as Excel reads back with the same values and types',
  { timeout: 90_000 },
  async () => {
    await runSql(
      `SELECT letter, number, number * 1.5 AS ratio, CAST(number AS DECIMAL(10,2)) / 4 AS amount,
       DATE '2026-01-01' + CAST(number AS INTEGER) AS day,
       TIMESTAMP '2026-01-01 10:00:00' + CAST(number AS INTEGER) * INTERVAL 90 MINUTE AS at,
       number % 2 = 0 AS even, CASE WHEN number = 3 THEN NULL ELSE 'n' || number END AS maybe
     FROM basic_append ORDER BY number`,
    );
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('cell').first().getByRole('button', { name: 'Excel', exact: true }).click(),
    ]);
    assert.match(file.suggestedFilename(), /\.xlsx$/);
    const [sheet] = readXlsx(new Uint8Array(await readFile((await file.path()) as string)));
    assert.ok(sheet);
    assert.deepEqual(
      sheet.columns.map((c) => `${c.name}:${c.type}`),
      [
        'letter:VARCHAR',
        'number:BIGINT',
        'ratio:DOUBLE',
        'amount:DOUBLE',
        'day:DATE',
        'at:TIMESTAMP',
        'even:BOOLEAN',
        'maybe:VARCHAR',
      ],
    );
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 10) + n * 90 * 60_000);
    assert.deepEqual(
      sheet.rows,
      [1, 2, 3, 4, 5].map((n) => [
        String.fromCharCode(96 + n),
        n,
        n * 1.5,
        n / 4,
        day(n),
        at(n),
        n % 2 === 0,
        n === 3 ? null : `n${n}`,
      ]),
    );
  },
);

test('an uploaded CSV, saved with the notebook, joins with a lake table', { timeout: 90_000 }, async () => {
  await upload(
    { name: 'Letter Codes.csv', buffer: Buffer.from('letter,label\na,Alpha\nb,Bravo\nc,Charlie\n') },
    'save',
  );
  assert.match(await loaded('letter_codes'), /csv, 3 rows, 39 bytes, saved with the notebook/);
  assert.deepEqual(
    await runSql(
      'SELECT b.letter, b.number, c.label FROM basic_append b JOIN letter_codes c USING (letter) ORDER BY b.number',
    ),
    [
      ['a', '1', 'Alpha'],
      ['b', '2', 'Bravo'],
      ['c', '3', 'Charlie'],
    ],
  );
});

test('an .xlsx (this page only) and a .parquet (saved) load as tables too', { timeout: 90_000 }, async () => {
  const xlsx = writeXlsx([
    {
      name: 'Weights',
      columns: [
        { name: 'letter', type: 'VARCHAR' },
        { name: 'weight', type: 'DOUBLE' },
        { name: 'since', type: 'DATE' },
      ],
      rows: [
        ['a', 0.5, Date.UTC(2025, 5, 1)],
        ['e', 2.25, Date.UTC(2025, 11, 31)],
      ],
    },
  ]);
  await upload({ name: 'weights.xlsx', buffer: Buffer.from(xlsx) }, 'browser');
  assert.match(await loaded('weights'), /xlsx, 2 rows, .*this page only/);
  assert.deepEqual(
    await runSql(
      `SELECT b.letter, w.weight * b.number AS w, w.since, typeof(w.since) AS t
       FROM basic_append b JOIN weights w USING (letter) ORDER BY 1`,
    ),
    [
      ['a', '0.5', '2025-06-01', 'DATE'],
      ['e', '11.25', '2025-12-31', 'DATE'],
    ],
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'upload-parquet-'));
  const duckdb = await createDuckDbSession();
  try {
    const file = path.join(dir, 'zones.parquet');
    await duckdb.run(
      `COPY (SELECT * FROM (VALUES ('b', 'north'), ('d', 'south')) v(letter, zone)) TO ${toSqlString(file)} (FORMAT PARQUET)`,
    );
    await upload({ name: 'zones.parquet', buffer: await readFile(file) }, 'save');
  } finally {
    duckdb.close();
    await rm(dir, { recursive: true, force: true });
  }
  assert.match(await loaded('zones'), /parquet, 2 rows, .*saved with the notebook/);
  assert.deepEqual(
    await runSql('SELECT letter, number, zone FROM basic_append JOIN zones USING (letter) ORDER BY 1'),
    [
      ['b', '2', 'north'],
      ['d', '4', 'south'],
    ],
  );
});

test('a file over 25 MB is refused with a message saying what to do', { timeout: 60_000 }, async () => {
  // From a file on disk: Playwright hands Chromium the path instead of sending 26 MB over its protocol.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'upload-huge-'));
  try {
    const file = path.join(dir, 'huge.csv');
    await writeFile(file, Buffer.alloc(26 * 1024 * 1024, 'a'));
    await upload(file, 'save');
    const error = page.getByTestId('upload-error');
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? '',
      /huge\.csv is 26 MB; .* at most 25 MB\. Upload a smaller extract/,
    );
    assert.equal(await page.getByTestId('upload-huge').count(), 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  'saved files load again when the notebook opens; page-only ones are gone',
  { timeout: 90_000 },
  async () => {
    await page.reload();
    await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
    await page.getByTestId('upload-letter_codes').waitFor({ timeout: 30_000 });
    await page.getByTestId('upload-zones').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('upload-weights').count(), 0);
    assert.deepEqual(
      await runSql('SELECT c.label, z.zone FROM letter_codes c LEFT JOIN zones z USING (letter) ORDER BY 1'),
      [
        ['Alpha', 'NULL'],
        ['Bravo', 'north'],
        ['Charlie', 'NULL'],
      ],
    );
  },
);

test('an uploaded table goes along to the server path like a cell result', { timeout: 90_000 }, async () => {
  const cell = page.getByTestId('cell').first();
  await cell.getByLabel('Run on', { exact: true }).selectOption('server');
  try {
    assert.deepEqual(
      await runSql(
        'SELECT c.label, b.number FROM basic_append b JOIN letter_codes c USING (letter) ORDER BY 2',
      ),
      [
        ['Alpha', '1'],
        ['Bravo', '2'],
        ['Charlie', '3'],
      ],
    );
    assert.match((await cell.getByTestId('cell-result').textContent()) ?? '', /server \(native DuckDB\)/);
  } finally {
    await cell.getByLabel('Run on', { exact: true }).selectOption('browser');
  }
});

test('a stranger cannot read the saved files; the owner can', async () => {
  const get = (cookie: string, url: string) => fetch(`${wb.server.url}${url}`, { headers: { cookie } });
  const list = `/api/notebooks/${notebookId}/files`;
  assert.equal((await get(wb.analyst2, list)).status, 404);
  assert.equal((await get(wb.analyst2, `${list}/letter_codes`)).status, 404);
  assert.equal((await get(wb.frontend, `${list}/letter_codes`)).status, 403);
  const own = await get(wb.analyst, `${list}/letter_codes`);
  assert.equal(own.status, 200);
  assert.equal(await own.text(), 'letter,label\na,Alpha\nb,Bravo\nc,Charlie\n');
});

test(
  'through the running server: a 20 MB file is saved whole, a 26 MB one refused with 413',
  { timeout: 90_000 },
  async () => {
    const url = `${wb.server.url}/api/notebooks/${notebookId}/files/large?format=csv`;
    const put = (body: Uint8Array) =>
      fetch(url, { method: 'PUT', headers: { cookie: wb.analyst, ...CSRF_HEADERS }, body: body as BodyInit });
    const twenty = Buffer.alloc(20 * 1024 * 1024, 'a');
    twenty.write('value\n');
    const saved = await put(twenty);
    assert.equal(saved.status, 200, await saved.clone().text());
    assert.equal(((await saved.json()) as { size: number }).size, twenty.byteLength);
    const refused = await put(Buffer.alloc(26 * 1024 * 1024, 'a'));
    assert.equal(refused.status, 413);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /at most 25 MB/);
    const back = await fetch(url.replace('?format=csv', ''), { headers: { cookie: wb.analyst } });
    assert.equal(Buffer.compare(Buffer.from(await back.arrayBuffer()), twenty), 0);
    const removed = await fetch(url.replace('?format=csv', ''), {
      method: 'DELETE',
      headers: { cookie: wb.analyst, ...CSRF_HEADERS },
    });
    assert.equal(removed.status, 204);
  },
);
