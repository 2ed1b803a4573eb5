// Reconcile benchmark (`npx tsx test/reconcile/reconcile-bench.ts [rows]`, default 300,000; also run by
// `npm run bench -- cdc` after the CDC benchmark): a PostgreSQL table loaded by a pipeline run, then
//   1. reconcile of the matching table (counts + per-chunk checksums on each side) vs the full load's time;
//   2. reconcile with 0.01% of the rows changed behind the watermark (fetches the differing chunks' keys);
//   3. the repair of those keys (re-extract + one merge commit).
// Writes bench-results/reconcile.json and one summary line.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { parseDefinitionText } from '../../pipelines/definition/load-definition';
import { reconcilePipeline } from '../../pipelines/reconcile/reconcile-pipeline';
import { runPipeline } from '../../pipelines/runner/run-pipeline';
import { createTempDatabase, withClient } from '../support/postgres';

const ROWS = Number(process.argv[2] ?? process.env.RECONCILE_BENCH_ROWS ?? 300_000);
const log = (line: string): void => console.log(`[bench reconcile] ${line}`);
const seconds = (start: number): number => Number(((performance.now() - start) / 1000).toFixed(2));

const definition = parseDefinitionText(
  `
name: bench
source: { name: bench, connection: { kind: postgres, urlEnv: BENCH_URL } }
defaults: { overlap: 0s }
tables:
  - name: bench_items
    primaryKey: [id]
    watermark: updated_at
`,
  'reconcile-bench',
);

const db = await createTempDatabase('reconcile_bench');
const dir = await mkdtemp(path.join(tmpdir(), 'reconcile-bench-'));
const duckdb = await createDuckDbSession();
try {
  await withClient(db.url, async (client) => {
    await client.query(`CREATE TABLE bench_items (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2),
      qty integer, created date, updated_at timestamptz NOT NULL, note text, active boolean)`);
    await client.query(
      `INSERT INTO bench_items SELECT g, 'item ' || g, (g % 100000) / 100.0, g % 1000, DATE '2020-01-01' + (g % 2000)::int,
         TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 second', CASE WHEN g % 3 = 0 THEN NULL ELSE md5(g::text) END,
         g % 2 = 0
       FROM generate_series(1, $1::bigint) g`,
      [ROWS],
    );
    await client.query('VACUUM ANALYZE bench_items');
  });
  const effects = { storage: new LocalLakeStorage(dir), duckdb, env: { BENCH_URL: db.url } };
  let start = performance.now();
  await runPipeline(effects, definition, { runId: 'full' });
  const fullLoadSeconds = seconds(start);

  start = performance.now();
  const [clean] = await reconcilePipeline(effects, definition, { runId: 'rc-clean', repair: false });
  const reconcileSeconds = seconds(start);

  const changed = Math.max(1, Math.round(ROWS / 10_000));
  await withClient(db.url, (client) =>
    client.query(`UPDATE bench_items SET amount = amount + 1 WHERE id % $1::bigint = 0`, [
      Math.floor(ROWS / changed),
    ]),
  );
  start = performance.now();
  const [broken] = await reconcilePipeline(effects, definition, { runId: 'rc-broken', repair: false });
  const reconcileDifferingSeconds = seconds(start);
  start = performance.now();
  const [repaired] = await reconcilePipeline(effects, definition, { runId: 'rc-repair', repair: true });
  const repairSeconds = seconds(start);

  const result = {
    rows: ROWS,
    chunks: clean?.chunks,
    fullLoadSeconds,
    reconcileSeconds,
    reconcileVsFullLoadRatio: Number((reconcileSeconds / fullLoadSeconds).toFixed(3)),
    differingKeys: broken?.differingKeys,
    differingChunks: broken?.differingChunks,
    reconcileDifferingSeconds,
    repairSeconds,
    repairedVersion: repaired?.repair?.version ?? null,
  };
  await mkdir('bench-results', { recursive: true });
  await writeFile(path.join('bench-results', 'reconcile.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(
    `${ROWS} rows in ${result.chunks} chunks: reconcile ${reconcileSeconds} s = ${result.reconcileVsFullLoadRatio}× ` +
      `the full load (${fullLoadSeconds} s); ${result.differingKeys} differing keys in ${result.differingChunks} chunks ` +
      `found in ${reconcileDifferingSeconds} s, compared and repaired in ${repairSeconds} s`,
  );
} finally {
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
  await db.drop();
}
