// The workbench API through the built app: authorization, the lake file route over HTTP, the server query path
// and the notebook files.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { CSRF_HEADERS } from '../support/auth';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
const dataFile = 'tables/big_events/part-00000-big.snappy.parquet';

before(async () => {
  wb = await startWorkbenchServer({ bigRows: 10_000 });
});
after(() => wb?.stop());

const get = (url: string, cookie?: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${wb.server.url}${url}`, { method, headers: { ...(cookie ? { cookie } : {}), ...headers } });

const post = (url: string, cookie: string | undefined, body: unknown, method = 'POST') =>
  fetch(`${wb.server.url}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

test('every workbench route needs a session (401) and the workbench permission (403 for frontend)', async () => {
  const urls = ['/api/catalog/tables/basic_append/snapshot', `/api/lake/${dataFile}`, '/api/notebooks'];
  for (const url of urls) {
    const anonymous = await get(url);
    assert.equal(anonymous.status, 401, `anonymous ${url}`);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    const frontend = await get(url, wb.frontend);
    assert.equal(frontend.status, 403, `frontend ${url}`);
    await frontend.body?.cancel();
  }
  assert.equal((await post('/api/query', undefined, { sql: 'SELECT 1' })).status, 401);
  assert.equal((await post('/api/query', wb.frontend, { sql: 'SELECT 1' })).status, 403);
  // The catalog is catalog:read: analysts have it, the front-end team does not.
  assert.equal((await get('/api/catalog/tables', undefined)).status, 401);
  const refused = await get('/api/catalog/tables', wb.frontend);
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  const catalog = await get('/api/catalog/tables', wb.analyst);
  assert.equal(catalog.status, 200);
  const names = ((await catalog.json()) as { tables: { name: string }[] }).tables.map((t) => t.name).sort();
  assert.deepEqual(names, ['basic_append', 'basic_partitioned', 'big_events', 'dv_partitioned']);
});

test('lake route over HTTP: HEAD, 206, 416, ETag/304, confinement', async () => {
  const file = await readFile(path.join(wb.fixture.root, dataFile));
  const head = await get(`/api/lake/${dataFile}`, wb.analyst, {}, 'HEAD');
  assert.equal(head.status, 200);
  // Next 16 drops Content-Length from route handlers; X-Content-Length carries it (see lake-file.ts).
  assert.equal(head.headers.get('x-content-length'), String(file.length));
  assert.equal(head.headers.get('accept-ranges'), 'bytes');
  assert.equal(head.headers.get('cache-control'), 'private, no-store');
  const range = await get(`/api/lake/${dataFile}`, wb.analyst, { range: 'bytes=100-199' });
  assert.equal(range.status, 206);
  assert.equal(range.headers.get('content-range'), `bytes 100-199/${file.length}`);
  assert.deepEqual(Buffer.from(await range.arrayBuffer()), file.subarray(100, 200));
  const past = await get(`/api/lake/${dataFile}`, wb.analyst, { range: `bytes=${file.length + 5}-` });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${file.length}`);
  const etag = head.headers.get('etag') as string;
  const notModified = await get(`/api/lake/${dataFile}`, wb.analyst, { 'if-none-match': etag });
  assert.equal(notModified.status, 304);
  // The log is not a snapshot file: the browser gets snapshots from the catalog, never the log itself.
  const log = await get('/api/lake/tables/basic_append/_delta_log/00000000000000000000.json', wb.analyst);
  assert.equal(log.status, 404);
  await log.body?.cancel();
  for (const escape of [
    'tables/%2E%2E/%2E%2E/etc/passwd',
    '%2E%2E/package.json',
    'tables/..%2F..%2Fpackage.json',
  ]) {
    const response = await get(`/api/lake/${escape}`, wb.analyst);
    assert.equal(response.status, 404, `${escape} answered ${response.status}`);
    const text = await response.text();
    assert.doesNotMatch(text, /county-lakehouse-workbench|root:/);
  }
});

test('the engine wasm is served as application/wasm, immutable under its versioned URL only', async () => {
  const { bundleFiles } = await import('../../app/_workbench/engine/duckdb-bundle');
  const versioned = new URL(bundleFiles('eh', wb.server.url).module);
  const module = await get(`${versioned.pathname}${versioned.search}`);
  assert.equal(module.status, 200);
  // compileStreaming (the worker's early compile, and Chrome's wasm code cache with it) needs this type.
  assert.equal(module.headers.get('content-type'), 'application/wasm');
  assert.equal(module.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  await module.body?.cancel();
  // Without the version the URL may name another build later: not kept without asking.
  const plain = await get(versioned.pathname);
  assert.doesNotMatch(plain.headers.get('cache-control') ?? '', /immutable/);
  await plain.body?.cancel();
});

test('snapshot and history endpoints', async () => {
  const snapshot = await get('/api/catalog/tables/basic_append/snapshot?version=0', wb.analyst);
  const body = (await snapshot.json()) as { version: number; files: { url: string }[] };
  assert.equal(body.version, 0);
  assert.equal(body.files.length, 1);
  const history = await get('/api/catalog/tables/basic_append/history', wb.analyst);
  assert.deepEqual(
    ((await history.json()) as { history: { version: number }[] }).history.map((h) => h.version),
    [1, 0],
  );
  assert.equal((await get('/api/catalog/tables/nope/snapshot', wb.analyst)).status, 404);
  assert.equal((await get('/api/catalog/tables/basic_append/snapshot?version=9', wb.analyst)).status, 404);
});

test('server query path streams Arrow IPC over the same snapshot, time travel included', async () => {
  const response = await post('/api/query', wb.analyst, {
    sql: 'SELECT letter, number FROM basic_append__v0 ORDER BY number',
    tables: [{ view: 'basic_append__v0', table: 'basic_append', version: 0 }],
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/vnd.apache.arrow.stream');
  const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
  assert.deepEqual(
    table.toArray().map((row) => [row.letter, Number(row.number)]),
    [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ],
  );
  const bad = await post('/api/query', wb.analyst, { sql: 'SELEC 1', tables: [] });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /syntax error/i);
});

test('notebooks: create, save, open, rename, duplicate, delete; one readable .sql file each', async () => {
  const created = (await (await post('/api/notebooks', wb.analyst, { title: 'Permits week' })).json()) as {
    id: string;
  };
  const cells = [
    { id: 'c1', kind: 'markdown', source: '# Permits\nWeekly check' },
    { id: 'c2', kind: 'sql', name: 'recent', runOn: 'browser', source: 'SELECT *\nFROM basic_append' },
  ];
  const saved = await post(
    `/api/notebooks/${created.id}`,
    wb.analyst,
    { title: 'Permits week', cells, baseVersion: 1 },
    'PUT',
  );
  assert.equal(saved.status, 200);
  const text = await readFile(path.join(wb.fixture.notebooksDir, `${created.id}.sql`), 'utf8');
  assert.equal(
    text,
    '-- Notebook: Permits week\n\n-- %% markdown id=c1\n-- # Permits\n-- Weekly check\n\n' +
      '-- %% sql id=c2 name=recent run=browser\nSELECT *\nFROM basic_append\n',
  );
  const opened = (await (await get(`/api/notebooks/${created.id}`, wb.analyst)).json()) as { cells: unknown };
  assert.deepEqual(opened.cells, cells);
  await post(`/api/notebooks/${created.id}`, wb.analyst, { title: 'Renamed' }, 'PATCH');
  const copy = (await (await post(`/api/notebooks/${created.id}/duplicate`, wb.analyst, {})).json()) as {
    id: string;
    title: string;
  };
  assert.equal(copy.title, 'Renamed (copy)');
  const list = (await (await get('/api/notebooks', wb.analyst)).json()) as { notebooks: { title: string }[] };
  assert.deepEqual(list.notebooks.map((n) => n.title).sort(), ['Renamed', 'Renamed (copy)']);
  const removed = await post(`/api/notebooks/${copy.id}`, wb.analyst, {}, 'DELETE');
  assert.equal(removed.status, 204);
  assert.equal((await get(`/api/notebooks/${copy.id}`, wb.analyst)).status, 404);
  // Without the CSRF header a state change is refused.
  const forged = await fetch(`${wb.server.url}/api/notebooks`, {
    method: 'POST',
    headers: { cookie: wb.analyst, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(forged.status, 403);
});

test('query history is kept per user, newest first', async () => {
  for (const sql of ['SELECT 1', 'SELECT 2']) {
    const recorded = await post('/api/query/history', wb.analyst, { sql, runOn: 'browser', rows: 1 });
    assert.equal(recorded.status, 204);
  }
  const list = (await (await get('/api/query/history', wb.analyst)).json()) as { history: { sql: string }[] };
  assert.deepEqual(list.history.map((entry) => entry.sql).slice(0, 2), ['SELECT 2', 'SELECT 1']);
  // Another analyst keeps a history of their own and never sees the first one's queries.
  await post('/api/query/history', wb.analyst2, { sql: 'SELECT 3', runOn: 'server', rows: 1 });
  const other = (await (await get('/api/query/history', wb.analyst2)).json()) as {
    history: { sql: string }[];
  };
  assert.deepEqual(
    other.history.map((entry) => entry.sql),
    ['SELECT 3'],
  );
  const again = (await (await get('/api/query/history', wb.analyst)).json()) as {
    history: { sql: string }[];
  };
  assert.ok(!again.history.some((entry) => entry.sql === 'SELECT 3'));
  assert.equal((await get('/api/query/history', wb.frontend)).status, 403);
});

test('the workbench page is served with a Content-Security-Policy that allows only its own origin', async () => {
  const response = await get('/workbench', wb.analyst);
  assert.equal(response.status, 200);
  const policy = response.headers.get('content-security-policy') ?? '';
  const directives = new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('connect-src'), ["'self'"]);
  // No directive names another host or scheme: only 'self', keywords, the page's script nonce, and data:/blob:
  // for local objects.
  for (const [name, values] of directives) {
    for (const value of values) {
      assert.match(value, /^('[a-z-]+'|'nonce-[A-Za-z0-9+/=_-]+'|data:|blob:)$/, `${name} ${value}`);
    }
  }
});

/**
 * CPU seconds used so far by this test process's descendants (the Next server and the query processes it runs),
 * and their pids; with `only`, just those of them.
 */
async function descendantCpu(only?: Set<number>): Promise<{ seconds: number; pids: Set<number> }> {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 13) continue;
    stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  const isDescendant = (pid: number): boolean => {
    for (let at = stats.get(pid)?.parent; at !== undefined && at > 1; at = stats.get(at)?.parent) {
      if (at === process.pid) return true;
    }
    return false;
  };
  let ticks = 0;
  const pids = new Set<number>();
  for (const [pid, stat] of stats) {
    if (!isDescendant(pid) || (only && !only.has(pid))) continue;
    ticks += stat.ticks;
    pids.add(pid);
  }
  return { seconds: ticks / 100, pids }; // USER_HZ
}

/** CPU seconds the descendants (or `only` those) use over `ms`. */
async function cpuOver(ms: number, only?: Set<number>): Promise<number> {
  const from = await descendantCpu(only);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await descendantCpu(only ?? from.pids)).seconds - from.seconds;
}

test('a server query whose client goes away stops using the CPU', { timeout: 90_000 }, async () => {
  // Query processes load once (Node, tsx, DuckDB): let the pool start and settle first, so what is measured
  // below is the query, not a process loading.
  const warm = await fetch(`${wb.server.url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie: wb.analyst },
    body: JSON.stringify({ sql: 'SELECT 1 AS one' }),
  });
  assert.equal(warm.status, 200);
  await warm.arrayBuffer();
  for (const deadline = Date.now() + 40_000; Date.now() < deadline;) {
    if ((await cpuOver(1_000)) < 0.2) break;
  }
  const controller = new AbortController();
  const request = fetch(`${wb.server.url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie: wb.analyst },
    body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM range(1000000000000) a' }),
    signal: controller.signal,
  }).catch((error: Error) => error.name);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const busy = await cpuOver(1_000);
  assert.ok(busy > 0.5, `the query is running (${busy.toFixed(2)} CPU s in 1 s)`);
  // The processes running when the client goes away; a query process the pool starts afterwards to replace the
  // killed one is loading, not querying, and is not counted.
  const before = (await descendantCpu()).pids;
  controller.abort();
  assert.equal(await request, 'AbortError');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idle = await cpuOver(2_000, before);
  assert.ok(idle < 0.5, `after the abort the server used ${idle.toFixed(2)} CPU s in 2 s`);
});
