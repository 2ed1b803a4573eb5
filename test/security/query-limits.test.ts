// Resource limits of the server path against the built app and real DuckDB: six heavy queries from two analysts
// at once, while /api/auth/me is timed every 200 ms and the web process's memory is read from /proc. Queries run
// in child processes with a 512 MB DuckDB limit, one thread and a 15 s timeout (set below), so the whole test
// ends by itself in well under 90 s.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { splitResultCut } from '../../app/_workbench/engine/result-cut';
import { CSRF_HEADERS } from '../support/auth';
import { startWorkbenchServer, type WorkbenchServer } from '../workbench/workbench-server';
import { childrenOf, pidListeningOn, rssOf } from './process-probe';

const TIMEOUT_MS = 15_000;
/** The bound this test holds the web process to while the queries run. */
const WEB_RSS_BOUND = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

let wb: WorkbenchServer;
let webPid: number;

before(async () => {
  wb = await startWorkbenchServer({
    bigRows: 1_000,
    env: {
      QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
      QUERY_MEMORY_LIMIT_MB: '512',
      QUERY_MAX_SPILL_MB: '1024',
      QUERY_THREADS: '1',
      QUERY_MAX_PER_USER: '2',
      QUERY_MAX_TOTAL: '4',
      QUERY_MAX_RESULT_BYTES: String(MB),
      QUERY_MAX_UPLOAD_BYTES: String(MB),
      API_MAX_BODY_BYTES: String(64 * 1024),
    },
  });
  webPid = await pidListeningOn(Number(new URL(wb.server.url).port));
  // The pool starts its query processes on first use; four small queries at once have all four loaded before the
  // timed test (on this shared two-core machine that took up to a minute) and show the bounds let four through.
  const warm = await Promise.all(
    [wb.analyst, wb.analyst, wb.analyst2, wb.analyst2].map((cookie) => runQuery(cookie, 'SELECT 1')),
  );
  assert.deepEqual(
    warm.map((a) => a.status),
    [200, 200, 200, 200],
    JSON.stringify(warm),
  );
});
after(() => wb?.stop());

interface Answer {
  status: number;
  retryAfter: string | null;
  code?: string;
  message?: string;
  ms: number;
}

async function runQuery(cookie: string, sql: string): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${wb.server.url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie },
    body: JSON.stringify({ sql }),
    signal: AbortSignal.timeout(80_000),
  });
  const answer: Answer = { status: response.status, retryAfter: response.headers.get('retry-after'), ms: 0 };
  if (response.ok) await response.arrayBuffer();
  else Object.assign(answer, ((await response.json()) as { error: { code: string; message: string } }).error);
  answer.ms = Date.now() - started;
  return answer;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

test(
  'six heavy queries from two analysts: the web process keeps answering, in bounded memory',
  {
    timeout: 90_000,
  },
  async () => {
    const latencies: number[] = [];
    let webPeak = await rssOf(webPid);
    let childPeak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const started = performance.now();
        const me = await fetch(`${wb.server.url}/api/auth/me`, {
          headers: { cookie: wb.frontend },
          signal: AbortSignal.timeout(10_000),
        });
        assert.equal(me.status, 200);
        await me.json();
        latencies.push(performance.now() - started);
        webPeak = Math.max(webPeak, await rssOf(webPid));
        for (const pid of await childrenOf(webPid, 'query-child'))
          childPeak = Math.max(childPeak, await rssOf(pid));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    const sort = 'SELECT * FROM range(200000000) t ORDER BY random()';
    const crossJoin = 'SELECT count(*) AS n FROM range(1000000) a CROSS JOIN range(1000000) b';
    const heavy = [
      runQuery(wb.analyst, sort),
      runQuery(wb.analyst, sort),
      runQuery(wb.analyst, crossJoin),
      runQuery(wb.analyst2, crossJoin),
      runQuery(wb.analyst2, sort),
      runQuery(wb.analyst2, crossJoin),
    ];
    // Once the four admitted queries run, a third user is refused by the total bound.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const third = await runQuery(wb.admin, 'SELECT 1');
    const answers = await Promise.all(heavy);
    sampling = false;
    await sampler;

    const max = Math.max(...latencies);
    const p95 = percentile(latencies, 95);
    console.log(
      `[query-limits] /api/auth/me: ${latencies.length} samples, max ${max.toFixed(0)} ms, p95 ` +
        `${p95.toFixed(0)} ms; web RSS peak ${(webPeak / MB).toFixed(0)} MB; query child RSS peak ` +
        `${(childPeak / MB).toFixed(0)} MB; answers ${answers.map((a) => `${a.status}/${a.ms}ms`).join(' ')}`,
    );
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(refused.length, 2, JSON.stringify(answers));
    for (const answer of refused) {
      assert.equal(answer.retryAfter, '5');
      assert.match(answer.message ?? '', /You already have 2 server queries running/);
    }
    assert.equal(third.status, 429, JSON.stringify(third));
    assert.equal(third.retryAfter, '5');
    assert.match(third.message ?? '', /already running 4 queries, the most it runs at once for all users/);
    // The admitted queries end by their caps: the time limit, or the sort's memory and spill limits.
    const admitted = answers.filter((a) => a.status !== 429);
    assert.equal(admitted.length, 4);
    for (const answer of admitted) {
      assert.ok([504, 422].includes(answer.status), JSON.stringify(answer));
      if (answer.status === 504) {
        assert.equal(answer.code, 'TIMEOUT');
        assert.match(answer.message ?? '', /ran longer than 15 s, the limit of a server query/);
      }
    }
    assert.ok(
      admitted.some((a) => a.status === 504),
      `the cross joins time out: ${JSON.stringify(admitted)}`,
    );
    assert.ok(latencies.length >= 20, `sampled ${latencies.length} times`);
    assert.ok(max < 1_000, `/api/auth/me took up to ${max.toFixed(0)} ms under load`);
    assert.ok(webPeak < WEB_RSS_BOUND, `web process RSS peaked at ${(webPeak / MB).toFixed(0)} MB`);
    assert.ok(childPeak > 0, 'query children were seen');
    assert.ok(
      childPeak < (512 + 512) * MB + 100 * MB,
      `a query child reached ${(childPeak / MB).toFixed(0)} MB`,
    );
    // The slots came back: the same analyst runs a query again at once.
    const again = await runQuery(wb.analyst, 'SELECT 42 AS x');
    assert.equal(again.status, 200, JSON.stringify(again));
  },
);

test('a result past QUERY_MAX_RESULT_BYTES is cut, and says so after the Arrow stream', async () => {
  const response = await fetch(`${wb.server.url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie: wb.analyst },
    body: JSON.stringify({ sql: "SELECT range AS i, repeat('x', 200) AS s FROM range(100000)" }),
  });
  assert.equal(response.status, 200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.ok(bytes.length <= MB + 100, `${bytes.length} bytes`);
  const { arrow, cut } = splitResultCut(bytes);
  assert.deepEqual(cut, { cut: 'bytes', limitBytes: MB });
  const table = tableFromIPC(arrow);
  assert.ok(table.numRows > 0 && table.numRows < 100_000, `${table.numRows} rows`);
  assert.equal(table.get(table.numRows - 1)?.i, BigInt(table.numRows - 1));
});

test(
  'a query process that dies answers a clear error, and the next query gets a fresh one',
  {
    timeout: 150_000,
  },
  async () => {
    const running = runQuery(wb.analyst, 'SELECT count(*) AS n FROM range(1000000000000) a');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Killing every query child (the running one and the started spares) stands for an out-of-memory kill.
    for (const pid of await childrenOf(webPid, 'query-child')) process.kill(pid, 'SIGKILL');
    const answer = await running;
    assert.equal(answer.status, 422, JSON.stringify(answer));
    assert.match(
      answer.message ?? '',
      /process running the query stopped \(SIGKILL\).*nothing else was affected/,
    );
    const me = await fetch(`${wb.server.url}/api/auth/me`, { headers: { cookie: wb.analyst } });
    assert.equal(me.status, 200);
    const next = await runQuery(wb.analyst, 'SELECT 42 AS x');
    assert.equal(next.status, 200, JSON.stringify(next));
  },
);

/**
 * Sends a body of up to `totalBytes` in 16 KB chunks, as fast as the socket takes them, and resolves with the
 * response's status and how many body bytes had been written when its head arrived.
 */
function streamBody(
  path: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<{ status: number; writtenAtResponse: number; body: string }> {
  const url = new URL(path, wb.server.url);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = httpRequest(
      url,
      { method: path.includes('/notebooks/') ? 'PUT' : 'POST', headers: { ...CSRF_HEADERS, ...headers } },
      (response) => {
        answered = true;
        const writtenAtResponse = written;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          req.destroy();
          resolve({ status: response.statusCode ?? 0, writtenAtResponse, body });
        });
      },
    );
    // The server may close the connection once it has answered; that is the point.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const writeMore = () => {
      while (!answered && written < totalBytes) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      if (!answered && written >= totalBytes) req.end();
    };
    writeMore();
  });
}

test('unauthenticated requests get 401 before their body is read', async () => {
  const routes = [
    '/api/query',
    '/api/query/history',
    '/api/notebooks',
    '/api/notebooks/some-notebook',
    '/api/schedules',
    '/api/runs/00000000-0000-4000-8000-000000000000',
    '/api/catalog/tables/basic_append/restore',
  ];
  for (const route of routes) {
    // 64 MB that the server would have to take before answering if it read the body first.
    const answer = await streamBody(route, { 'content-type': 'application/json' }, 64 * MB);
    assert.equal(answer.status, 401, `${route}: ${answer.body}`);
    assert.ok(answer.writtenAtResponse < 64 * MB, `${route}: answered after the whole body`);
  }
});

test('bodies past the limit get 413 while they are still being sent', async () => {
  const json = await streamBody(
    '/api/notebooks',
    { 'content-type': 'application/json', cookie: wb.analyst },
    64 * MB,
  );
  assert.equal(json.status, 413, json.body);
  assert.match(json.body, /larger than this route accepts \(64 KB\)/);
  assert.ok(json.writtenAtResponse < 16 * MB, `answered after ${json.writtenAtResponse} bytes`);
  const upload = await streamBody(
    '/api/query',
    { 'content-type': 'multipart/form-data; boundary=x', cookie: wb.analyst },
    64 * MB,
  );
  assert.equal(upload.status, 413, upload.body);
  assert.match(upload.body, /larger than 1 MB together/);
  assert.ok(upload.writtenAtResponse < 16 * MB, `answered after ${upload.writtenAtResponse} bytes`);
  // A declared size past the limit is refused at once.
  const declared = await fetch(`${wb.server.url}/api/notebooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie: wb.analyst },
    body: JSON.stringify({ title: 'x'.repeat(100 * 1024) }),
  });
  assert.equal(declared.status, 413);
});
