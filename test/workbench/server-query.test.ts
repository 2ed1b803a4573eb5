// The server path in-process: Arrow IPC results over snapshots (time travel, deletion vectors), and the sandbox
// that keeps analysts' SQL away from the server's files.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { openSnapshot } from '../../server/api/workbench/catalog';
import { countRows } from '../../server/api/workbench/describe-snapshot';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { queryRequestSchema } from '../../server/api/workbench/query-request';
import { readQueryBody } from '../../server/api/workbench/query-upload';
import { runServerQuery } from '../../server/api/workbench/run-server-query';
import { lockSession, streamSelect } from '../../server/api/workbench/sandbox-session';
import { createLakeFixture, type LakeFixture } from './lake-fixture';

let fixture: LakeFixture;
let context: LakeContext;

before(async () => {
  fixture = await createLakeFixture({ bigRows: 40_000 });
  context = { storage: openLakeStorage(fixture.root), duckdb: await createDuckDbSession() };
});
after(async () => {
  context.duckdb.close();
  await fixture.remove();
});

async function query(sql: string, tables: { view: string; table: string; version?: number }[] = []) {
  const result = await runServerQuery(context, queryRequestSchema.parse({ sql, tables }));
  return { table: tableFromIPC(new Uint8Array(await new Response(result.body).arrayBuffer())), result };
}

test('results stream as Arrow with DuckDB types, in batches, at the requested version', async () => {
  const { table, result } = await query('SELECT id, district, amount FROM big_events ORDER BY id', [
    { view: 'big_events', table: 'big_events' },
  ]);
  assert.equal(table.numRows, 40_000);
  assert.ok(table.batches.length > 1, 'several record batches');
  assert.equal(table.schema.fields[0]?.metadata.get('duckdb_type'), 'BIGINT');
  assert.equal(table.get(39_999)?.id, 39_999n);
  assert.deepEqual(result.versions, { big_events: 0 });
  const v0 = await query('SELECT count(*) AS n FROM t', [{ view: 't', table: 'basic_append', version: 0 }]);
  assert.equal(Number(v0.table.get(0)?.n), 3);
  const byTime = await runServerQuery(
    context,
    queryRequestSchema.parse({
      sql: 'SELECT count(*) AS n FROM t',
      tables: [{ view: 't', table: 'basic_append', timestamp: '2026-11-01 10:00' }],
    }),
  );
  await byTime.body.cancel();
  assert.deepEqual(byTime.versions, { t: 0 });
});

test('an empty result keeps its schema; a cancelled stream stops cleanly', async () => {
  const { table } = await query('SELECT id, note FROM big_events WHERE id < 0', [
    { view: 'big_events', table: 'big_events' },
  ]);
  assert.equal(table.numRows, 0);
  assert.deepEqual(
    table.schema.fields.map((field) => field.name),
    ['id', 'note'],
  );
  const result = await runServerQuery(
    context,
    queryRequestSchema.parse({
      sql: 'SELECT * FROM big_events',
      tables: [{ view: 'big_events', table: 'big_events' }],
    }),
  );
  const reader = result.body.getReader();
  await reader.read();
  await reader.read();
  await reader.cancel();
});

test('deletion vectors are applied on the server path too', async () => {
  const { table } = await query('SELECT count(*) AS n FROM dv', [{ view: 'dv', table: 'dv_partitioned' }]);
  const snapshot = await openSnapshot(context, 'dv_partitioned');
  const deleted = snapshot.files.reduce((sum, file) => sum + (file.deletionVector?.cardinality ?? 0), 0);
  assert.ok(deleted > 0, 'the fixture has deleted rows');
  assert.equal(Number(table.get(0)?.n), countRows(snapshot));
});

test('only one SELECT runs, and nothing outside the named tables can be read', async () => {
  const refused = [
    "SELECT * FROM read_csv('/etc/passwd')",
    `SELECT * FROM read_parquet('${fixture.root}/tables/basic_append/*.parquet')`,
    "COPY (SELECT 1) TO '/tmp/workbench-escape.csv'",
    "ATTACH '/tmp/workbench-escape.db'",
    'SET enable_external_access = true',
    'INSTALL httpfs',
    'SELECT 1; SELECT 2',
  ];
  for (const sql of refused) {
    await assert.rejects(query(sql, [{ view: 'big_events', table: 'big_events' }]), { status: 400 }, sql);
  }
});

test('plain EXPLAIN of a query runs; EXPLAIN ANALYZE and EXPLAIN of a write are refused as not read-only', async () => {
  const { table } = await query('EXPLAIN SELECT count(*) FROM big_events', [
    { view: 'big_events', table: 'big_events' },
  ]);
  assert.ok(table.numRows > 0);
  for (const sql of [
    'EXPLAIN ANALYZE SELECT 1',
    "EXPLAIN COPY (SELECT 1) TO '/tmp/workbench-escape.csv'",
    'EXPLAIN (FORMAT JSON) SELECT 1',
  ]) {
    await assert.rejects(query(sql), { status: 400, code: 'QUERY_NOT_READ_ONLY' }, sql);
  }
});

test('a locked session still spills, into its own folder only, within the spill cap', async () => {
  const session = await createDuckDbSession({ threads: 1, memoryLimit: '32MB' });
  try {
    const folder = String((await session.queryJson("SELECT current_setting('temp_directory') AS d"))[0]?.d);
    assert.match(folder, /lakehouse-duckdb-spill\/\d+-[0-9a-f-]{36}$/);
    await lockSession(session, { files: [], maxSpill: '2GB' });
    // Grouping 1,000,000 wide keys needs far more than 32 MB: only spilling lets it finish, and DuckDB makes
    // the folder on its first spill.
    const result = await streamSelect(
      session,
      'SELECT count(*) AS n FROM (SELECT s, count(*) FROM (SELECT md5(i::VARCHAR) || md5((i+1)::VARCHAR) AS s FROM range(1000000) t(i)) GROUP BY s)',
    );
    const rows = await result.getRowsJson();
    assert.equal(Number(rows[0]?.[0]), 1_000_000);
    assert.ok(existsSync(folder), 'the query spilled into the session folder');
    await assert.rejects(session.run(`SET temp_directory = '/tmp/elsewhere'`), /locked/i);
  } finally {
    session.close();
  }
});

test('named results sent from the browser are tables a server query selects from by name', async () => {
  // The browser sends a named result as Parquet; here native DuckDB writes that Parquet from a lake query.
  const dir = await mkdtemp(path.join(tmpdir(), 'wb-result-test-'));
  try {
    const file = path.join(dir, 'letters.parquet');
    await context.duckdb.run(
      `COPY (SELECT * FROM (VALUES ('c', 3), ('d', 4), ('e', 5)) t(letter, number)) TO '${file}' (FORMAT PARQUET)`,
    );
    const parquet = new Uint8Array(await readFile(file));
    const result = await runServerQuery(
      context,
      queryRequestSchema.parse({
        sql: 'SELECT l.letter, b.number FROM letters l JOIN basic_append b USING (letter) ORDER BY 1',
        tables: [{ view: 'basic_append', table: 'basic_append' }],
      }),
      [{ name: 'letters', parquet }],
    );
    const table = tableFromIPC(new Uint8Array(await new Response(result.body).arrayBuffer()));
    assert.deepEqual(
      table.toArray().map((row) => [row.letter, Number(row.number)]),
      [
        ['c', 3],
        ['d', 4],
        ['e', 5],
      ],
    );
    // A broken upload says which result it was.
    await assert.rejects(
      runServerQuery(context, queryRequestSchema.parse({ sql: 'SELECT * FROM broken' }), [
        { name: 'broken', parquet: new Uint8Array([1, 2, 3]) },
      ]),
      /result "broken" could not be loaded/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the query body: JSON alone, or a form with the request and named results as files', async () => {
  const json = await readQueryBody(
    new Request('http://x/api/query', { method: 'POST', body: JSON.stringify({ sql: 'SELECT 1' }) }),
  );
  assert.deepEqual(json, { request: { sql: 'SELECT 1', tables: [], maxRows: 1_000_000 }, results: [] });
  const form = async (name: string, extra: Record<string, string> = {}, declareLength = true) => {
    const body = new FormData();
    body.set('request', JSON.stringify({ sql: `SELECT * FROM ${name}`, ...extra }));
    body.set(`result:${name}`, new Blob([new Uint8Array([80, 65, 82, 49])]), 'r.parquet');
    // What a browser sends: the encoded form with its length (a Request built here would have no Content-Length).
    const encoded = new Response(body);
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    return new Request('http://x/api/query', {
      method: 'POST',
      headers: {
        'content-type': encoded.headers.get('content-type') ?? '',
        ...(declareLength ? { 'content-length': String(bytes.byteLength) } : {}),
      },
      body: bytes,
    });
  };
  const parsed = await readQueryBody(await form('totals'));
  assert.equal(parsed.request.sql, 'SELECT * FROM totals');
  assert.deepEqual(
    parsed.results.map((r) => [r.name, [...r.parquet]]),
    [['totals', [80, 65, 82, 49]]],
  );
  await assert.rejects(readQueryBody(await form('bad-name')), /not a valid result name/);
  // Without a declared size the form is read through the byte counter, which enforces the cap while reading.
  const undeclared = await readQueryBody(await form('totals', {}, false));
  assert.equal(undeclared.results[0]?.name, 'totals');
  await assert.rejects(readQueryBody(await form('totals', {}, false), 100), {
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
  });
  const tooBig = new Request('http://x/api/query', {
    method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2 ** 30) },
    body: '--x--',
  });
  await assert.rejects(readQueryBody(tooBig), /larger than 256 MB/);
});

test('cancelling a long server query stops DuckDB within moments', { timeout: 60_000 }, async () => {
  // An aggregate runs entirely before its first row: the abort arrives while DuckDB is still counting.
  const controller = new AbortController();
  const running = runServerQuery(
    context,
    queryRequestSchema.parse({ sql: 'SELECT count(*) AS n FROM range(1000000000000) a' }),
    [],
    controller.signal,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  controller.abort();
  // Counting a trillion rows takes many minutes; interrupted, the query fails at once.
  await assert.rejects(running, /interrupted/i);
  const waited = Date.now() - started;
  assert.ok(waited < 5_000, `stopped after ${waited} ms`);
});
