// Change data feed benchmark (`npm run bench -- sync-cdf`, or `npx tsx test/bench/sync-cdf.bench.ts [rows]`), in
// a throwaway MariaDB database and lake folder. Two Delta tables of N rows (default 1,000,000, 10 files) written
// the way the pipelines write them (deletion vectors on), one with delta.enableChangeDataFeed. Each round merges
// the same ~1,000 changed rows (800 updates, 100 deletes, 100 inserts, keys spread over every file) into both, then
// syncs the feed table's version twice into two MySQL tables: once from the change data feed, once by the file
// diff (changeFeed: false). Rounds alternate which side runs first; the median of each counts. Figures:
//   1. merge time with the feed written vs without (ratio = with / without: the cost of writing change files);
//   2. incremental sync time from the feed vs by the file diff (ratio = diff / feed: > 1 means the feed is faster).
// Writes bench-results/sync-cdf.json and one summary line. Both MySQL copies are verified equal to Delta.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CDC_TABLE_PROPERTIES } from '../../pipelines/cdc/apply-run';
import { createTable, merge } from '../../pipelines/delta/write';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, verifyTable, type SyncResult } from '../../pipelines/sync/index';
import { createTestDatabase } from '../sync/mysql-test-db';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const FILES = 10;
const ROUNDS = 5;
const UPDATES = 800;
const DELETES = 100;
const INSERTS = 100;

const seconds = (ms: number) => Math.round(ms) / 1000;
const log = (line: string) => console.log(`[bench:sync-cdf] ${line}`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const seed = `SELECT i::BIGINT AS id,
  'P-' || lpad(CAST(i AS VARCHAR), 9, '0') AS parcel,
  'Owner ' || (i * 7919 % 100003) AS owner,
  CAST(i % 1000000 * 3.17 AS DECIMAL(12,2)) AS assessed,
  i % 3 = 0 AS active,
  DATE '2000-01-01' + CAST(i % 9000 AS INTEGER) AS opened
  FROM range(0, ${ROWS}) AS r(i)`;

/** Round r's source: keys spread over the whole key range (so every file holds some), distinct per round. */
function roundSource(round: number): string {
  const stride = Math.floor(ROWS / (UPDATES + DELETES));
  const key = `(k * ${stride} + ${round * 7}) % ${ROWS}`;
  return `SELECT id, parcel, owner, assessed, active, opened, gone FROM (
    SELECT ${key}::BIGINT AS id, 'P-changed' AS parcel, 'Owner round ${round}' AS owner,
      CAST(${round} AS DECIMAL(12,2)) AS assessed, true AS active, DATE '2026-01-01' AS opened,
      k >= ${UPDATES} AS gone
    FROM range(0, ${UPDATES + DELETES}) AS r(k)
    UNION ALL
    SELECT (${ROWS} + ${round * INSERTS} + k)::BIGINT, 'P-new', 'Owner new', 1.00, false, DATE '2026-01-02', false
    FROM range(0, ${INSERTS}) AS r(k))`;
}

const duckdb = await createDuckDbSession();
const db = await createTestDatabase('sync_cdf_bench');
const lakeDir = await mkdtemp(path.join(tmpdir(), 'sync-cdf-bench-'));
try {
  const storage = new LocalLakeStorage(lakeDir);
  const effects = { storage, duckdb, connect: db.connect };
  const feedRoot = 'tables/with_feed';
  const plainRoot = 'tables/without_feed';
  const layout = { sortBy: ['id'], rowsPerFile: Math.ceil(ROWS / FILES) };
  let started = performance.now();
  await createTable(effects, feedRoot, {
    data: seed,
    layout,
    properties: { ...CDC_TABLE_PROPERTIES, 'delta.enableChangeDataFeed': 'true' },
  });
  await createTable(effects, plainRoot, { data: seed, layout, properties: { ...CDC_TABLE_PROPERTIES } });
  log(`two Delta tables of ${ROWS} rows in ${FILES} files each in ${seconds(performance.now() - started)} s`);
  const viaFeed = { tableRoot: feedRoot, mysqlTable: 'via_feed', keyColumns: ['id'] };
  const viaDiff = { tableRoot: feedRoot, mysqlTable: 'via_diff', keyColumns: ['id'], changeFeed: false };
  started = performance.now();
  await syncTable(effects, viaFeed);
  await syncTable(effects, viaDiff);
  log(`initial full syncs in ${seconds(performance.now() - started)} s`);

  const mergeWith: number[] = [];
  const mergeWithout: number[] = [];
  const syncFeed: number[] = [];
  const syncDiff: number[] = [];
  const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const begun = performance.now();
    const value = await run();
    return [value, performance.now() - begun];
  };
  let lastFeed: SyncResult | undefined;
  let lastDiff: SyncResult | undefined;
  for (let round = 0; round < ROUNDS; round += 1) {
    const source = roundSource(round);
    const options = { keys: ['id'], deleteColumn: 'gone' };
    const mergeFeed = () => timed(() => merge(effects, feedRoot, source, options));
    const mergePlain = () => timed(() => merge(effects, plainRoot, source, options));
    const [first, second] = round % 2 === 0 ? [mergeFeed, mergePlain] : [mergePlain, mergeFeed];
    const [a, aMs] = await first();
    const [, bMs] = await second();
    const [withMs, withoutMs] = round % 2 === 0 ? [aMs, bMs] : [bMs, aMs];
    mergeWith.push(withMs);
    mergeWithout.push(withoutMs);
    const doFeed = () => timed(() => syncTable(effects, viaFeed));
    const doDiff = () => timed(() => syncTable(effects, viaDiff));
    const feedFirst = round % 2 === 0;
    const [x, xMs] = await (feedFirst ? doFeed() : doDiff());
    const [y, yMs] = await (feedFirst ? doDiff() : doFeed());
    [lastFeed, lastDiff] = feedFirst ? [x, y] : [y, x];
    syncFeed.push(feedFirst ? xMs : yMs);
    syncDiff.push(feedFirst ? yMs : xMs);
    log(
      `round ${round} (v${a.version}): merge with feed ${seconds(withMs)} s, without ${seconds(withoutMs)} s; ` +
        `sync from feed ${seconds(syncFeed.at(-1) ?? 0)} s (${lastFeed.changeSource}, ${lastFeed.rowsUpserted}+${lastFeed.rowsDeleted}), ` +
        `by diff ${seconds(syncDiff.at(-1) ?? 0)} s (${lastDiff.changeSource}, ${lastDiff.rowsUpserted}+${lastDiff.rowsDeleted})`,
    );
  }
  const feedEqual = (await verifyTable(effects, viaFeed)).equal;
  const diffEqual = (await verifyTable(effects, viaDiff)).equal;
  const result = {
    rows: ROWS,
    files: FILES,
    rounds: ROUNDS,
    changedRowsPerRound: { updates: UPDATES, deletes: DELETES, inserts: INSERTS },
    machine: '2-core shared VM (other sessions running), MariaDB 10.11 defaults',
    mergeWithFeedSeconds: seconds(median(mergeWith)),
    mergeWithoutFeedSeconds: seconds(median(mergeWithout)),
    mergeFeedCostRatio: Math.round((median(mergeWith) / median(mergeWithout)) * 100) / 100,
    syncFromFeedSeconds: seconds(median(syncFeed)),
    syncByDiffSeconds: seconds(median(syncDiff)),
    syncFeedSpeedup: Math.round((median(syncDiff) / median(syncFeed)) * 100) / 100,
    feedSource: lastFeed?.changeSource,
    diffSource: lastDiff?.changeSource,
    verifiedEqual: feedEqual && diffEqual,
    runsMs: { mergeWith, mergeWithout, syncFeed, syncDiff },
  };
  await mkdir('bench-results', { recursive: true });
  await writeFile(path.join('bench-results', 'sync-cdf.json'), `${JSON.stringify(result, null, 2)}\n`);
  const ok =
    feedEqual && diffEqual && lastFeed?.changeSource === 'feed' && lastDiff?.changeSource === 'files';
  console.log(
    `sync-cdf: ${ROWS} rows, ${UPDATES + DELETES + INSERTS} changed rows per merge (median of ${ROUNDS}): ` +
      `merge with feed ${result.mergeWithFeedSeconds} s vs without ${result.mergeWithoutFeedSeconds} s (×${result.mergeFeedCostRatio}); ` +
      `sync from feed ${result.syncFromFeedSeconds} s vs file diff ${result.syncByDiffSeconds} s (feed ${result.syncFeedSpeedup}× faster); ` +
      `MySQL ${result.verifiedEqual ? 'equal' : 'DIFFERENT'} — ${ok ? 'PASS' : 'FAIL'}`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  duckdb.close();
  await db.drop();
  await rm(lakeDir, { recursive: true, force: true });
}
