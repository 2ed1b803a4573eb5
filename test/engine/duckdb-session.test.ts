// Native DuckDB sessions under their memory cap: two sessions sorting more than their limit at the same time each
// spill into their own folder and get their own right answer; the folder is gone once the session closes. A session
// given a run's AbortSignal stops its running query when the run is aborted.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';

const spillRoot = path.join(tmpdir(), 'lakehouse-duckdb-spill');
const mine = () =>
  existsSync(spillRoot) ? readdirSync(spillRoot).filter((name) => name.startsWith(`${process.pid}-`)) : [];

test('concurrent sessions spill apart and clean up after themselves', async () => {
  const before = new Set(mine());
  const sessions = await Promise.all(
    [1, 2].map(() => createDuckDbSession({ memoryLimit: '64MB', threads: 1 })),
  );
  // A sort of ~250 MB of strings under a 64 MB cap must spill; each session sorts its own series.
  const sorted = (offset: number) =>
    `SELECT count(*) AS n, sum(CASE WHEN x = ${offset} THEN rn END) AS first_rank FROM (` +
    `SELECT x, row_number() OVER (ORDER BY md5(x::VARCHAR), x) AS rn FROM range(${offset}, ${offset} + 2000000) t(x))`;
  const answers = await Promise.all(sessions.map((s, i) => s.queryJson(sorted(i * 10_000_000))));
  const spilled = mine().filter((name) => !before.has(name));
  assert.equal(spilled.length, 2, `each session spilled into its own folder (${spilled.join(', ')})`);
  // The same query alone, unconstrained, gives the same answer.
  const reference = await createDuckDbSession();
  try {
    for (const [i, answer] of answers.entries()) {
      assert.deepEqual(answer, await reference.queryJson(sorted(i * 10_000_000)));
      assert.equal(answer[0]?.n, '2000000');
    }
  } finally {
    reference.close();
  }
  for (const session of sessions) session.close();
  assert.deepEqual(
    mine().filter((name) => !before.has(name)),
    [],
    'closed sessions leave no spill folder',
  );
});

test(
  "a session given a run's signal stops its running query when the signal aborts",
  { timeout: 60_000 },
  async () => {
    const controller = new AbortController();
    const session = await createDuckDbSession({ signal: controller.signal, threads: 1 });
    try {
      // Minutes of work if nobody stops it.
      const long = session.query('SELECT sum(hash(a.range * b.range)) FROM range(200000) a, range(200000) b');
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('Timed out')), 200);
      await assert.rejects(long, /interrupt/i);
      assert.ok(Date.now() - started < 30_000, 'stopped long before the query could finish');
      // The session is still usable afterwards (the run records its verdict with it if it must).
      assert.deepEqual(await session.queryJson('SELECT 41 + 1 AS n'), [{ n: 42 }]);
    } finally {
      session.close();
    }
  },
);
