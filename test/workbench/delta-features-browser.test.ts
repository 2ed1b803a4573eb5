// Delta features on the browser path (issue 16), queried with DuckDB-WASM in Chromium: column mapping (name and id
// modes; Spark-written tables whose Parquet columns carry physical names and field ids other than the table's) must
// give the conformance set's expected rows, and a type-widened table (files from before the widening, nested too)
// the same values and types as the server path. A variant table is refused in the browser with a message naming
// the server path, where it reads as JSON.

import assert from 'node:assert/strict';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { openHandMadeLake, type HandMadeLake } from '../delta/hand-made-table';
import { writeVariantTable } from '../delta/variant-table';
import { writeWidenedTable } from '../delta/widened-table';
import { login, writeUsersFile } from '../support/auth';
import { launchChromium } from '../support/browser';
import { startNextServer, type NextServer } from '../support/next-server';
import { readGrid, runCellAndWait, setCellSql } from './workbench-page';

const conformance =
  process.env.DELTA_CONFORMANCE_DIR ??
  path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'delta-conformance');
const TABLES = {
  cm_name: 'golden/table-with-columnmapping-mode-name',
  cm_id: 'golden/table-with-columnmapping-mode-id',
} as const;

// Every value as text, so the grid shows exactly what DuckDB printed; nested fields read through the mapping too.
const summary = (from: string) => `
  SELECT count(*)::VARCHAR AS n,
         sum(IntegerType)::VARCHAR AS ints,
         sum(LongType)::VARCHAR AS longs,
         string_agg(StringType, ',' ORDER BY StringType) AS strings,
         string_agg(DateType::VARCHAR, ',' ORDER BY DateType) AS dates,
         string_agg(nested_struct.aa, ',' ORDER BY nested_struct.aa) AS nested_aa,
         string_agg(nested_struct.ac.aca::VARCHAR, ',' ORDER BY nested_struct.ac.aca) AS nested_aca,
         string_agg(array_of_prims::VARCHAR, ';' ORDER BY array_of_prims::VARCHAR) AS arrays
    FROM ${from}`;

let lake: HandMadeLake;
let dir: string;
let server: NextServer;
let browser: Browser;
let page: Page;

before(async () => {
  lake = await openHandMadeLake();
  dir = lake.dir;
  const tables = path.join(dir, 'lake', 'tables');
  await mkdir(tables, { recursive: true });
  for (const [name, from] of Object.entries(TABLES)) {
    await cp(path.join(conformance, from, 'delta'), path.join(tables, name), {
      recursive: true,
      filter: (source) => !source.endsWith('.crc'),
    });
  }
  await writeWidenedTable({ ...lake, dir: path.join(dir, 'lake') }, 'tables/widened');
  await writeVariantTable({ ...lake, dir: path.join(dir, 'lake') }, 'tables/variants');
  const usersFile = await writeUsersFile(path.join(dir, 'auth'), [
    { username: 'ana', password: 'analyst-password-1', roles: ['analyst'] },
  ]);
  server = await startNextServer({
    env: {
      LAKE_ROOT: path.join(dir, 'lake'),
      NOTEBOOKS_DIR: path.join(dir, 'notebooks'),
      USERS_FILE: usersFile,
      SESSION_SECRET: 'column-mapping-test-secret-0123456789abcdef-01234',
    },
  });
  const cookie = await login(server.url, 'ana', 'analyst-password-1');
  browser = await launchChromium();
  const context = await browser.newContext();
  const [name, ...rest] = cookie.split('=');
  await context.addCookies([{ name: name as string, value: rest.join('='), url: server.url }]);
  page = await context.newPage();
  await page.goto(`${server.url}/workbench`);
  await page.getByTestId('new-notebook').click();
  await page.waitForURL(/\/workbench\/[a-z0-9-]+$/);
  await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await lake?.close();
});

for (const [table, from] of Object.entries(TABLES)) {
  test(
    `column mapping ${table.slice(3)} mode: the browser reads what Spark wrote`,
    { timeout: 120_000 },
    async () => {
      const session = await createDuckDbSession();
      let expected: string[][];
      try {
        const rows = await session.queryJson(
          summary(`read_parquet('${path.join(conformance, from, 'expected', '*.parquet')}')`),
        );
        expected = rows.map((row) =>
          Object.values(row).map((value) => (value === null ? 'NULL' : String(value))),
        );
      } finally {
        session.close();
      }
      assert.equal(expected[0]?.[0], '6', 'the expected rows are read');
      await setCellSql(page, 0, summary(table));
      await runCellAndWait(page, 0);
      assert.deepEqual(
        await page.getByTestId('cell').first().locator('[role="alert"]').allTextContents(),
        [],
      );
      assert.deepEqual(await readGrid(page, 0), expected);
    },
  );
}

// Every column as text plus the result's types: the browser must read the old files in the current, wider types.
const WIDENED = `
  SELECT id::VARCHAR AS id, b::VARCHAR AS b, f::VARCHAR AS f, d::VARCHAR AS d, m::VARCHAR AS m,
         i2d::VARCHAR AS i2d, s2m::VARCHAR AS s2m, st::VARCHAR AS st, arr::VARCHAR AS arr,
         items::VARCHAR AS items, mp::VARCHAR AS mp, day::VARCHAR AS day,
         concat_ws(',', typeof(id), typeof(b), typeof(m), typeof(st), typeof(arr), typeof(mp), typeof(day)) AS types
    FROM %s ORDER BY id`;

test(
  'type widening: the browser reads files from before a widening as the server does',
  { timeout: 120_000 },
  async () => {
    const widenedLake = { storage: new LocalLakeStorage(path.join(dir, 'lake')), duckdb: lake.duckdb };
    const snapshot = await loadSnapshot(widenedLake, 'tables/widened');
    const plan = await planScan(widenedLake, snapshot);
    let expected: string[][];
    try {
      const rows = await lake.duckdb.queryJson(WIDENED.replace('%s', `(${plan.sql})`));
      expected = rows.map((row) => Object.values(row).map((value) => String(value)));
    } finally {
      await plan.release();
    }
    assert.equal(expected.length, 2);
    assert.equal(
      expected[0]?.at(-1),
      'BIGINT,INTEGER,DECIMAL(10,4),STRUCT(x BIGINT),BIGINT[],MAP(BIGINT, DOUBLE),TIMESTAMP',
    );
    await setCellSql(page, 0, WIDENED.replace('%s', 'widened'));
    await runCellAndWait(page, 0);
    assert.deepEqual(await page.getByTestId('cell').first().locator('[role="alert"]').allTextContents(), []);
    assert.deepEqual(await readGrid(page, 0), expected);
  },
);

test(
  'variant: the browser refuses the table and names the server path, which reads it as JSON',
  { timeout: 120_000 },
  async () => {
    const cell = page.getByTestId('cell').first();
    // The catalog names the table's own type; nested variants show the JSON they read as.
    const columns = page.getByTestId('catalog-table-variants').locator('.wb-columns li');
    await columns.first().waitFor({ state: 'attached' });
    const texts = await columns.allTextContents();
    assert.ok(texts.includes('vVARIANT (JSON, server path)'), texts.join(' | '));
    assert.ok(texts.includes('aJSON[]'), texts.join(' | '));
    await setCellSql(page, 0, `SELECT id::VARCHAR AS id, v::VARCHAR AS v FROM variants ORDER BY id`);
    await cell.getByLabel('Run on', { exact: true }).selectOption('browser');
    await runCellAndWait(page, 0);
    assert.deepEqual(await cell.locator('[role="alert"]').allTextContents(), [
      'Table variants has variant column(s) v, s, a, m, which the browser engine (DuckDB-WASM) cannot decode: ' +
        'run this cell on the server path, where they read as JSON text',
    ]);
    // Auto sends a table with variant columns to the server path.
    await cell.getByLabel('Run on', { exact: true }).selectOption('auto');
    await runCellAndWait(page, 0);
    assert.deepEqual(await cell.locator('[role="alert"]').allTextContents(), []);
    assert.equal(await cell.getByTestId('placement-note').getAttribute('data-run-on'), 'server');
    assert.equal(
      await cell.getByTestId('placement-note').textContent(),
      'Ran on the server (Auto): variants has variant columns, which only the server path decodes',
    );
    const grid = await readGrid(page, 0);
    assert.equal(grid.length, 3);
    assert.match(grid[0]?.[1] ?? '', /^\{"amount":12\.50,/);
    assert.deepEqual(grid.slice(1), [
      ['2', 'NULL'],
      ['3', 'null'],
    ]);
  },
);
