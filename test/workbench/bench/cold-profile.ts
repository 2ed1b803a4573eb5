// The workbench's cold path on its own (issue 17): one fresh browser context opens the benchmark notebook and runs
// the group-by cell once, then the same page is opened again (second visit). Prints where the cold time went (the
// page's `wb:` measures), the lake requests the server answered (method, range, bytes) and bytes as a share of
// the table. Much quicker than workbench-bench.ts (no native DuckDB, no MariaDB), for measuring one change.
// Needs the built app (`npm run build`). Run: npx tsx test/workbench/bench/cold-profile.ts
// WORKBENCH_BENCH_ROWS sets the table's rows (5,000,000 by default); COLD_PROFILE_QUERY picks the query
// (groupBy, filteredCount, topN) or COLD_PROFILE_SQL any SQL; COLD_PROFILE_ROWS=1 prints the result's rows.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CSRF_HEADERS, login, writeUsersFile } from '../../support/auth';
import { launchChromium } from '../../support/browser';
import { startLakeByteCounter } from '../../support/lake-byte-counter';
import { startNextServer } from '../../support/next-server';
import { readGrid, runCellAndWait } from '../workbench-page';
import { BENCH_QUERIES, BENCH_TABLE, writeBenchTable, type BenchQuery } from './bench-data';
import { measureInBrowser, type PageProfile } from './measure-browser';

const ROWS = Number(process.env.WORKBENCH_BENCH_ROWS ?? 5_000_000);
const QUERY = (process.env.COLD_PROFILE_QUERY ?? 'groupBy') as BenchQuery;
/** Any other SQL over the table instead of a benchmark query (e.g. a checksum). */
const SQL = process.env.COLD_PROFILE_SQL ?? BENCH_QUERIES[QUERY];
/** Set to print the cold result's rows (one more fresh context), to check a change did not alter them. */
const SHOW_ROWS = process.env.COLD_PROFILE_ROWS === '1';

const profile = (p: PageProfile) =>
  `page ${p.domInteractive} ms, ` +
  Object.entries(p.spans)
    .sort(([, a], [, b]) => a.start - b.start)
    .map(([name, span]) => `${name} ${span.ms} ms @${span.start}`)
    .join(', ');

async function main(): Promise<void> {
  if (!BENCH_QUERIES[QUERY]) throw new Error(`COLD_PROFILE_QUERY: no query ${QUERY}`);
  const work = await mkdtemp(path.join(tmpdir(), 'workbench-cold-'));
  const lakeRoot = path.join(work, 'lake');
  try {
    const tableBytes = await writeBenchTable(lakeRoot, ROWS);
    const usersFile = await writeUsersFile(path.join(work, 'auth'), [
      { username: 'bench', password: 'bench-password-1', roles: ['analyst'] },
    ]);
    const server = await startNextServer({
      env: {
        LAKE_ROOT: lakeRoot,
        NOTEBOOKS_DIR: path.join(work, 'notebooks'),
        USERS_FILE: usersFile,
        SESSION_SECRET: 'workbench-bench-secret-0123456789abcdef-012345',
      },
    });
    const counter = await startLakeByteCounter(server.url);
    try {
      const cookie = await login(server.url, 'bench', 'bench-password-1');
      const created = await fetch(`${server.url}/api/notebooks`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...CSRF_HEADERS },
        body: JSON.stringify({
          title: 'Cold',
          cells: [{ id: 'c1', kind: 'sql', runOn: 'browser', source: SQL }],
        }),
      });
      const { id } = (await created.json()) as { id: string };
      const browser = await launchChromium();
      try {
        const timing = await measureInBrowser(browser, counter, {
          cookie,
          notebookId: id,
          cellIndex: 0,
          warmRuns: 1,
        });
        for (const r of counter.requests()) {
          console.log(`  ${r.method} ${r.status} ${r.range ?? ''} ${path.basename(r.path)}`);
        }
        const gets = counter.requests().filter((r) => r.method === 'GET').length;
        console.log(
          `[cold] ${ROWS.toLocaleString()} rows, ${QUERY}: ${timing.coldMs} ms cold, ${timing.warmMs} ms warm; ` +
            `time to interactive ${timing.firstResultMs} ms cold (editor ready ${timing.pageReadyMs} ms), ` +
            `${timing.warmFirstResultMs} ms second visit; cold fetched ${timing.coldBytes} B = ` +
            `${Math.round((timing.coldBytes / tableBytes) * 1000) / 10}% of ${tableBytes} B in ${gets} lake GETs ` +
            `(whole session); second visit ${timing.secondVisitBytes} B`,
        );
        console.log(`[cold] cold page (ms from navigation): ${profile(timing.coldProfile)}`);
        console.log(`[cold] second visit: ${profile(timing.warmProfile)}`);
        if (SHOW_ROWS) {
          const context = await browser.newContext();
          const [name, ...rest] = cookie.split('=');
          await context.addCookies([{ name: name as string, value: rest.join('='), url: counter.url }]);
          const page = await context.newPage();
          context.on('console', (m) => {
            if (m.text().startsWith('LAKEDBG')) console.log(m.text());
          });
          await page.goto(`${counter.url}/workbench/${id}`);
          await page.getByTestId(`catalog-table-${BENCH_TABLE}`).waitFor({ timeout: 60_000 });
          await runCellAndWait(page, 0, 600_000);
          const rows = await readGrid(page, 0);
          console.log(`[cold] ${rows.length} rows: ${JSON.stringify(rows)}`);
          await context.close();
        }
      } finally {
        await browser.close();
      }
    } finally {
      await counter.stop();
      await server.stop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
