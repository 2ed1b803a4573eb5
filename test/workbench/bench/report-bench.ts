// The report benchmark (issue 15): from opening the demo report's URL to its first chart drawn, in headless
// Chromium through the built app, cold (a fresh browser context: empty HTTP cache, DuckDB-WASM fetched and
// compiled, the table's Parquet read through the report's lake route) and warm (the same context opening the URL
// again). The chart reads the demo's largest table, service_requests: the demo's own lake when it has one
// (LAKE_ROOT after `npm run demo`), otherwise a table of the same shape and size (40% of DEMO_ROWS rows, as the
// demo seeds it). Needs the built app. Writes bench-results/report.json and prints one summary line.
// Run: npx tsx test/workbench/bench/report-bench.ts (also the last part of `npm run bench -- workbench`)

import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { countRows } from '../../../server/api/workbench/describe-snapshot';
import { loadSnapshot } from '../../../pipelines/delta';
import { createDuckDbSession } from '../../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../../pipelines/lake/open-lake-storage';
import { loadEnv } from '../../../server/config/env';
import { DEMO_REPORT_ID, seedDemoReport } from '../../../server/reports/demo-report';
import { login, writeUsersFile } from '../../support/auth';
import { launchChromium } from '../../support/browser';
import { startNextServer } from '../../support/next-server';
import { writeSingleFileCommit } from '../single-file-commit';
import { median } from './measure-browser';

const WARM_RUNS = 3;

const REQUESTS_SQL = (rows: number) => `
  SELECT i::BIGINT AS request_id,
         'SR-' || lpad(i::VARCHAR, 9, '0') AS request_number,
         (['pothole', 'streetlight', 'graffiti', 'illegal_dumping', 'noise', 'tree', 'water_leak', 'animal',
           'parking', 'sidewalk', 'code_enforcement', 'other'])[1 + ((i * 7919) % 12)::INT] AS category,
         (['phone', 'web', 'app', 'email', 'walk_in'])[1 + ((i * 31) % 5)::INT] AS channel,
         (['low', 'normal', 'high', 'urgent'])[1 + ((i * 13) % 4)::INT] AS priority,
         (['new', 'assigned', 'in_progress', 'on_hold', 'closed', 'closed', 'closed', 'cancelled'])[1 + ((i * 17) % 8)::INT] AS status,
         'Reported issue number ' || i || ' near the parcel' AS description,
         (i % 9000 + 100)::VARCHAR || ' Main St' AS address,
         TIMESTAMP '2022-01-01' + INTERVAL (i % 94608000) SECOND AS opened_at,
         TIMESTAMP '2022-01-01' + INTERVAL (i % 94608000) SECOND AS updated_at
    FROM range(${rows}) t(i)`;

const field = (name: string, type: string) => ({ name, type, nullable: true, metadata: {} });

async function writeTable(lakeRoot: string, name: string, sql: string, schema: unknown, rows: number) {
  const dir = path.join(lakeRoot, 'tables', name);
  await mkdir(path.join(dir, '_delta_log'), { recursive: true });
  const file = `part-00000-${name}.snappy.parquet`;
  const session = await createDuckDbSession();
  try {
    await session.run(`COPY (${sql}) TO '${path.join(dir, file)}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
  } finally {
    session.close();
  }
  const size = (await stat(path.join(dir, file))).size;
  await writeSingleFileCommit(dir, {
    id: `b1e0c3a4-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
    schema,
    file,
    size,
    stats: { numRecords: rows },
    engineInfo: 'report-bench',
  });
}

/** The demo's lake when it holds the report's tables; else a lake of the same shape under `work`. */
async function benchLake(work: string): Promise<{ lakeRoot: string; source: string }> {
  const env = loadEnv();
  const storage = openLakeStorage(env.LAKE_ROOT);
  const demo = await Promise.all(
    ['service_requests', 'building_permits'].map((t) =>
      storage.stat(`tables/${t}/_delta_log`).catch(() => null),
    ),
  );
  if (demo.every((entry) => entry?.isDirectory)) return { lakeRoot: env.LAKE_ROOT, source: 'the demo lake' };
  const rows = Math.round(env.DEMO_ROWS * 0.4);
  const lakeRoot = path.join(work, 'lake');
  console.log(
    `[workbench] report: no demo lake at ${env.LAKE_ROOT}; writing a ${rows.toLocaleString()}-row service_requests`,
  );
  await writeTable(
    lakeRoot,
    'service_requests',
    REQUESTS_SQL(rows),
    {
      type: 'struct',
      fields: [
        field('request_id', 'long'),
        ...['request_number', 'category', 'channel', 'priority', 'status', 'description', 'address'].map(
          (n) => field(n, 'string'),
        ),
        field('opened_at', 'timestamp'),
        field('updated_at', 'timestamp'),
      ],
    },
    rows,
  );
  await writeTable(
    lakeRoot,
    'building_permits',
    `SELECT i::BIGINT AS permit_id, (['applied', 'issued', 'finaled'])[1 + (i % 3)::INT] AS status FROM range(1000) t(i)`,
    { type: 'struct', fields: [field('permit_id', 'long'), field('status', 'string')] },
    1000,
  );
  return { lakeRoot, source: 'a table of the demo’s shape' };
}

/** Opens the report URL in a page and waits for its first chart to be drawn; ms from goto. */
async function timeFirstChart(context: BrowserContext, url: string) {
  const page = await context.newPage();
  try {
    const started = Date.now();
    await page.goto(url);
    await page.waitForFunction(
      () => {
        const chart = document.querySelector('[data-testid="result-chart"]');
        const summary = JSON.parse(chart?.getAttribute('data-summary') ?? '{"labels":0}') as {
          labels: number;
        };
        return summary.labels > 0 || document.querySelector('[data-testid="cell-error"]') !== null;
      },
      undefined,
      { timeout: 600_000, polling: 20 },
    );
    const error = await page
      .getByTestId('cell-error')
      .first()
      .textContent({ timeout: 1 })
      .catch(() => null);
    if (error) throw new Error(`the report failed: ${error}`);
    return Date.now() - started;
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'report-bench-'));
  try {
    const { lakeRoot, source } = await benchLake(work);
    const storage = openLakeStorage(lakeRoot);
    const duckdb = await createDuckDbSession();
    let rows: number | null;
    let tableBytes: number;
    try {
      const snapshot = await loadSnapshot({ storage, duckdb }, 'tables/service_requests');
      rows = countRows(snapshot);
      tableBytes = snapshot.files.reduce((sum, file) => sum + file.size, 0);
    } finally {
      duckdb.close();
    }
    const notebooksDir = path.join(work, 'notebooks');
    const env = { ...loadEnv(), LAKE_ROOT: lakeRoot, NOTEBOOKS_DIR: notebooksDir };
    await seedDemoReport(env, 'bench', () => {});
    const usersFile = await writeUsersFile(path.join(work, 'auth'), [
      { username: 'reader', password: 'reader-password-1', roles: ['frontend'] },
    ]);
    const server = await startNextServer({
      env: {
        LAKE_ROOT: lakeRoot,
        NOTEBOOKS_DIR: notebooksDir,
        USERS_FILE: usersFile,
        SESSION_SECRET: 'report-bench-secret-0123456789abcdef-0123456789',
      },
    });
    let coldMs = 0;
    const warm: number[] = [];
    try {
      const cookie = await login(server.url, 'reader', 'reader-password-1');
      const browser = await launchChromium();
      try {
        const context = await browser.newContext();
        const [name, ...rest] = cookie.split('=');
        await context.addCookies([{ name: name as string, value: rest.join('='), url: server.url }]);
        const url = `${server.url}/reports/${DEMO_REPORT_ID}`;
        coldMs = await timeFirstChart(context, url);
        for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await timeFirstChart(context, url));
        await context.close();
      } finally {
        await browser.close();
      }
    } finally {
      await server.stop();
    }
    const result = {
      table: 'service_requests',
      source,
      rows,
      tableBytes,
      coldMs,
      warmMs: median(warm),
      warmRuns: warm,
    };
    await mkdir('bench-results', { recursive: true });
    await writeFile(path.join('bench-results', 'report.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `[workbench] report URL → first chart on service_requests (${rows?.toLocaleString() ?? '?'} rows, ` +
        `${Math.round(tableBytes / 1e6)} MB, ${source}): ${result.coldMs} ms cold, ${result.warmMs} ms warm`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
