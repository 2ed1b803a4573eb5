// Native DuckDB sessions under their memory cap: two sessions sorting more than their limit at the same time each
// spill into their own folder and get their own right answer; the folder is gone once the session closes.

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
