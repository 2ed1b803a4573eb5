// The workbench benchmark (issue 7): the same analytical queries (filtered count, group-by aggregate, top-N) on one
// table of WORKBENCH_BENCH_ROWS rows (5,000,000 by default) with DuckDB-WASM in headless Chromium (cold: empty
// cache, and warm), native DuckDB over the same Delta snapshot, and MariaDB over the same rows; then the group-by
// in a cell left on Auto (issue 17), which the workbench sends to the server path: its felt time against native
// DuckDB warm (target ≤ 3×). Needs the built
// app (`npx next build`) and MariaDB. Writes bench-results/workbench.json and prints one summary line.
// Run: npx tsx test/workbench/bench/workbench-bench.ts

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { loadSnapshot, planScan } from '../../../pipelines/delta';
import { createDuckDbSession } from '../../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../../pipelines/lake/open-lake-storage';
import { loadEnv } from '../../../server/config/env';
import { CSRF_HEADERS, login, writeUsersFile } from '../../support/auth';
import { launchChromium } from '../../support/browser';
import { startLakeByteCounter } from '../../support/lake-byte-counter';
import { startNextServer } from '../../support/next-server';
import { BENCH_QUERIES, BENCH_TABLE, loadMariaDb, writeBenchTable, type BenchQuery } from './bench-data';
import { measureInBrowser, measureSessionBytes, median, type BrowserTiming } from './measure-browser';

const ROWS = Number(process.env.WORKBENCH_BENCH_ROWS ?? 5_000_000);
const WARM_RUNS = 3;
// Its own MariaDB database per run unless named: two benchmarks at once (another checkout) must not drop each
// other's table mid-run.
const MARIADB_DATABASE = process.env.WORKBENCH_BENCH_DB ?? `workbench_bench_${process.pid}`;
const QUERIES = Object.keys(BENCH_QUERIES) as BenchQuery[];
const round = (value: number) => Math.round(value * 10) / 10;

async function timeRuns(run: () => Promise<unknown>): Promise<{ coldMs: number; warmMs: number }> {
  const times: number[] = [];
  for (let i = 0; i <= WARM_RUNS; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return { coldMs: round(times[0] as number), warmMs: round(median(times.slice(1))) };
}

async function measureNative(lakeRoot: string) {
  const duckdb = await createDuckDbSession();
  try {
    const storage = openLakeStorage(lakeRoot);
    const snapshot = await loadSnapshot({ storage, duckdb }, `tables/${BENCH_TABLE}`);
    const plan = await planScan({ storage, duckdb }, snapshot);
    await duckdb.run(`CREATE VIEW ${BENCH_TABLE} AS ${plan.sql}`);
    const result: Record<string, { coldMs: number; warmMs: number }> = {};
    for (const name of QUERIES) result[name] = await timeRuns(() => duckdb.queryJson(BENCH_QUERIES[name]));
    return result;
  } finally {
    duckdb.close();
  }
}

async function measureMariaDb(url: string) {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const result: Record<string, { coldMs: number; warmMs: number }> = {};
    for (const name of QUERIES) result[name] = await timeRuns(() => connection.query(BENCH_QUERIES[name]));
    return result;
  } finally {
    await connection.end();
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'workbench-bench-'));
  const lakeRoot = path.join(work, 'lake');
  const mysqlUrl = new URL(loadEnv().MYSQL_URL);
  mysqlUrl.pathname = `/${MARIADB_DATABASE}`;
  try {
    console.log(`[workbench] writing ${ROWS.toLocaleString()} rows to a Delta table and to MariaDB`);
    const tableBytes = await writeBenchTable(lakeRoot, ROWS);
    const admin = await mysql.createConnection({ uri: loadEnv().MYSQL_URL.replace(/\/[^/]*$/, '/') });
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE}\``);
    await admin.end();
    await loadMariaDb(mysqlUrl.toString(), work, ROWS);

    const native = await measureNative(lakeRoot);
    const mariadb = await measureMariaDb(mysqlUrl.toString());

    const usersFile = await writeUsersFile(path.join(work, 'auth'), [
      { username: 'bench', password: 'bench-password-1', roles: ['analyst'] },
    ]);
    const server = await startNextServer({
      env: {
        LAKE_ROOT: lakeRoot,
        NOTEBOOKS_DIR: path.join(work, 'notebooks'),
        USERS_FILE: usersFile,
        SESSION_SECRET: 'workbench-bench-secret-0123456789abcdef-012345',
        // What users get: the query processes start with the server (the test helper turns that off).
        QUERY_WARM_AT_START: 'true',
      },
    });
    const browserTimings: Record<string, BrowserTiming> = {};
    let autoTiming: BrowserTiming | null = null;
    let sessionBytes: { perQuery: number[]; session: number } = { perQuery: [], session: 0 };
    // The browser talks to the app through a proxy that counts the lake bytes the server really sends.
    const counter = await startLakeByteCounter(server.url);
    try {
      const cookie = await login(server.url, 'bench', 'bench-password-1');
      const created = await fetch(`${server.url}/api/notebooks`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...CSRF_HEADERS },
        body: JSON.stringify({
          title: 'Benchmark',
          cells: [
            ...QUERIES.map((name, i) => ({
              id: `c${i + 1}`,
              kind: 'sql',
              runOn: 'browser',
              source: BENCH_QUERIES[name],
            })),
            // The same group-by where the workbench decides (engine/placement.ts).
            { id: 'auto', kind: 'sql', runOn: 'auto', source: BENCH_QUERIES.groupBy },
          ],
        }),
      });
      const { id } = (await created.json()) as { id: string };
      const browser = await launchChromium();
      try {
        for (const [cellIndex, name] of QUERIES.entries()) {
          browserTimings[name] = await measureInBrowser(browser, counter, {
            cookie,
            notebookId: id,
            cellIndex,
            warmRuns: WARM_RUNS,
          });
        }
        autoTiming = await measureInBrowser(browser, counter, {
          cookie,
          notebookId: id,
          cellIndex: QUERIES.length,
          warmRuns: WARM_RUNS,
        });
        sessionBytes = await measureSessionBytes(browser, counter, {
          cookie,
          notebookId: id,
          cells: QUERIES.length,
        });
      } finally {
        await browser.close();
      }
    } finally {
      await counter.stop();
      await server.stop();
    }

    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const group = {
      wasm: browserTimings.groupBy as BrowserTiming,
      native: native.groupBy!,
      mariadb: mariadb.groupBy!,
    };
    const auto = autoTiming as BrowserTiming | null;
    if (!auto) throw new Error('the Auto cell was not measured');
    const report = {
      rows: ROWS,
      tableBytes,
      queries: BENCH_QUERIES,
      wasm: browserTimings,
      bytes: {
        perQueryCold: Object.fromEntries(QUERIES.map((name) => [name, browserTimings[name]?.coldBytes])),
        perQueryRepeat: Object.fromEntries(QUERIES.map((name) => [name, browserTimings[name]?.warmBytes])),
        perQuerySecondVisit: Object.fromEntries(
          QUERIES.map((name) => [name, browserTimings[name]?.secondVisitBytes]),
        ),
        sessionOfAllQueries: {
          perQuery: Object.fromEntries(QUERIES.map((name, i) => [name, sessionBytes.perQuery[i]])),
          total: sessionBytes.session,
        },
      },
      native,
      mariadb,
      /** The group-by in an Auto cell: where it ran and the time the analyst waits, warm. */
      auto: { groupBy: auto },
      ratios: {
        mariadbOverWasmWarm: ratio(group.mariadb.warmMs, group.wasm.warmMs),
        mariadbOverWasmCold: ratio(group.mariadb.coldMs, group.wasm.coldMs),
        wasmOverNativeWarm: ratio(group.wasm.warmMs, group.native.warmMs),
        coldBytesFraction: ratio(group.wasm.coldBytes, tableBytes),
        autoOverNativeWarm: ratio(auto.warmMs, group.native.warmMs),
        autoWallOverNativeWarm: ratio(auto.warmWallMs, group.native.warmMs),
      },
      targets: {
        mariadbOverWasmWarm: 10,
        mariadbOverWasmCold: 2,
        wasmOverNativeWarmAtMost: 3,
        autoOverNativeWarmAtMost: 3,
      },
    };
    await mkdir('bench-results', { recursive: true });
    await writeFile(path.join('bench-results', 'workbench.json'), `${JSON.stringify(report, null, 2)}\n`);
    const profile = (p: BrowserTiming['coldProfile']) =>
      `page ${p.domInteractive} ms, ` +
      Object.entries(p.spans)
        .map(([name, span]) => `${name} ${span.ms} ms @${span.start}`)
        .join(', ');
    console.log(
      `[workbench] ${ROWS.toLocaleString()} rows, group-by: wasm ${group.wasm.coldMs} ms cold / ${group.wasm.warmMs} ms warm, ` +
        `native ${group.native.warmMs} ms, MariaDB ${group.mariadb.warmMs} ms; MariaDB/wasm ${report.ratios.mariadbOverWasmWarm}× warm, ` +
        `${report.ratios.mariadbOverWasmCold}× cold; wasm/native ${report.ratios.wasmOverNativeWarm}× warm; cold fetched ` +
        `${Math.round(report.ratios.coldBytesFraction * 100)}% of ${Math.round(tableBytes / 1e6)} MB, repeated ` +
        `${group.wasm.warmBytes} B, second visit ${group.wasm.secondVisitBytes} B; all ${QUERIES.length} queries in one ` +
        `session fetched ${Math.round((sessionBytes.session / tableBytes) * 100)}% (${sessionBytes.perQuery.join(' + ')} B); ` +
        `time to interactive (first result after opening the page) ${group.wasm.firstResultMs} ms cold, ` +
        `${group.wasm.warmFirstResultMs} ms warm`,
    );
    console.log(
      `[workbench] group-by in an Auto cell: ran on the ${auto.ranOn ?? '?'}; ${auto.coldMs} ms cold, ` +
        `${auto.warmMs} ms warm (${auto.warmWallMs} ms click to result on screen); Auto/native ` +
        `${report.ratios.autoOverNativeWarm}× warm (${report.ratios.autoWallOverNativeWarm}× click to screen; target ≤ 3×)`,
    );
    console.log(`[workbench] cold page (ms from navigation): ${profile(group.wasm.coldProfile)}`);
    console.log(`[workbench] second visit: ${profile(group.wasm.warmProfile)}`);
  } finally {
    if (!process.env.WORKBENCH_BENCH_DB) {
      const admin = await mysql.createConnection({ uri: loadEnv().MYSQL_URL.replace(/\/[^/]*$/, '/') });
      await admin.query(`DROP DATABASE IF EXISTS \`${MARIADB_DATABASE}\``);
      await admin.end();
    }
    await rm(work, { recursive: true, force: true });
  }
}

await main();
