// The server path's query processes start with the web server (instrumentation.ts), before any query: the first
// query runs in one of them rather than waiting for a process to load, and they exit with the server. Read from
// /proc (the web process's children), so nothing in the app reports on itself for the test.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { childrenOf, pidListeningOn } from '../security/process-probe';
import { CSRF_HEADERS } from '../support/auth';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

const POOL_SIZE = 2;
// Generous: the pool's own start timeout is 120 s, and this machine is shared.
const WAIT_MS = 150_000;

let wb: WorkbenchServer | undefined;
let webPid: number;

before(async () => {
  wb = await startWorkbenchServer({
    bigRows: 1_000,
    env: { QUERY_WARM_AT_START: 'true', QUERY_MAX_TOTAL: String(POOL_SIZE), QUERY_MAX_PER_USER: '1' },
  });
  webPid = await pidListeningOn(Number(new URL(wb.server.url).port));
});
after(() => wb?.stop());

const byNumber = (a: number, b: number) => a - b;

/** Whether the process has loaded DuckDB's native library: query-child.ts does so before it reports ready. */
async function loadedDuckDb(pid: number): Promise<boolean> {
  const maps = await readFile(`/proc/${pid}/maps`, 'utf8').catch(() => '');
  return /duckdb\.node/.test(maps);
}

/** Alive and not a zombie waiting to be reaped. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | null = null;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== null) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

test(
  'the query processes are started and loaded before any query, the first query runs in one, and they exit with the server',
  { timeout: WAIT_MS + 60_000 },
  async () => {
    const server = wb as WorkbenchServer;
    // No query has been sent: only sign-ins and the health check.
    const warm = await waitFor('the pool started its processes', async () => {
      const pids = await childrenOf(webPid, 'query-child');
      if (pids.length !== POOL_SIZE) return null;
      const loaded = await Promise.all(pids.map(loadedDuckDb));
      return loaded.every(Boolean) ? pids.sort(byNumber) : null;
    });
    // Its limit holds: never more than QUERY_MAX_TOTAL started ahead.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual((await childrenOf(webPid, 'query-child')).sort(byNumber), warm);

    const response = await fetch(`${server.server.url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie: server.analyst },
      body: JSON.stringify({ sql: 'SELECT 42 AS answer' }),
      signal: AbortSignal.timeout(WAIT_MS),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    assert.equal(table.get(0)?.answer, 42);
    // The query ran in a process started ahead: none was started for it, none replaced.
    assert.deepEqual((await childrenOf(webPid, 'query-child')).sort(byNumber), warm);

    // Only the web process is stopped (as `npm start`'s supervisor does), not its process group: its query
    // processes must notice and exit by themselves.
    process.kill(webPid, 'SIGTERM');
    await waitFor(
      'the query processes exited with the server',
      async () => {
        const alive = await Promise.all(warm.map(running));
        return alive.some(Boolean) ? null : true;
      },
      15_000,
    );
  },
);
