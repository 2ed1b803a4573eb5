// A server query that passes its time limit after its first rows were sent can no longer answer with a status:
// the pool ends the Arrow stream and names the reason in the trailer, which the workbench shows as the cell's
// error (instead of a bare network error). Real query process, real DuckDB.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tableFromIPC } from 'apache-arrow';
import { splitResultCut } from '../../app/_workbench/engine/result-cut';
import { QueryPool } from '../../server/api/workbench/query-pool';

const root = path.resolve(import.meta.dirname, '..', '..');
let lake: string;
let pool: QueryPool;

before(async () => {
  lake = await mkdtemp(path.join(tmpdir(), 'midstream-'));
  pool = new QueryPool({
    root,
    lakeRoot: lake,
    limits: { threads: 1, memoryLimit: '256MB' },
    timeoutMs: 4_000,
    maxRssBytes: 2 * 1024 * 1024 * 1024,
    spare: 1,
    maxIdle: 1,
  });
});
after(async () => {
  pool.close();
  await rm(lake, { recursive: true, force: true });
});

test('a time limit passed mid-stream ends the result with a trailer naming it', async () => {
  const result = await pool.run({
    request: { sql: 'SELECT i, i * 2 AS j FROM range(50000000) t(i)', tables: [], maxRows: 50_000_000 },
    results: [],
  });
  const reader = result.body.getReader();
  const chunks: Uint8Array[] = [];
  const first = await reader.read();
  assert.equal(first.done, false, 'the first rows arrive before the limit');
  chunks.push(first.value as Uint8Array);
  // A slow reader: the query's time limit passes while the client holds the stream.
  await sleep(5_000);
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  const { arrow, cut } = splitResultCut(bytes);
  assert.equal(cut?.cut, 'error');
  assert.equal(cut?.cut === 'error' ? cut.code : '', 'TIMEOUT');
  assert.match(cut?.cut === 'error' ? cut.message : '', /ran longer than 4 s/);
  // What came before the trailer is a valid Arrow stream of the rows sent so far.
  const table = tableFromIPC(arrow);
  assert.ok(table.numRows > 0 && table.numRows < 50_000_000, `${table.numRows} rows before the stop`);
});
