// Change feed benchmark (`npm run bench -- delta-changes`): a 100,000-row table with deletion vectors on (as the
// pipelines create tables) gets 1,000 CDC-style merges through the product's merge writer, each a few hundred
// changed rows (updates, deletes, inserts); then, in the same run:
//   - `changes` over versions 1..1000 (pipelines/delta/changes.ts, batch by batch into a DuckDB table),
//   - the baseline: read the snapshots at 0 and 1000 and diff them (full outer join on the key).
// They answer different questions (every change of every version vs the net difference), which is why the row
// counts are reported with the times.
// DELTA_CHANGES_BENCH_VERSIONS / _ROWS / _CHANGED resize it; DELTA_CHANGES_BENCH_CDF=1 creates the table with
// delta.enableChangeDataFeed=true, for when the writer writes change data files (until then its merges refuse);
// DELTA_CHANGES_BENCH_LAKE=<dir> builds the table there and keeps it, and reuses it on the next run.
// The diff runs in a session of its own with the pipelines' 1 GB limit; if that runs out of memory it is timed
// again at 4 GB, and the result says so.
// Writes bench-results/delta-changes.json and prints one summary line with the load.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openChangeFeed } from '../../pipelines/delta/changes';
import { planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import type { WriteEffects } from '../../pipelines/delta/write/effects';
import { merge } from '../../pipelines/delta/write/merge';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';

const VERSIONS = Number(process.env.DELTA_CHANGES_BENCH_VERSIONS ?? 1_000);
const ROWS = Number(process.env.DELTA_CHANGES_BENCH_ROWS ?? 100_000);
const CHANGED = Number(process.env.DELTA_CHANGES_BENCH_CHANGED ?? 300);
const CDF = process.env.DELTA_CHANGES_BENCH_CDF === '1';
// A folder to build the table in and keep (reused when it already holds the table): for re-running the reads.
const KEEP = process.env.DELTA_CHANGES_BENCH_LAKE;
const ROOT = 'permits';

const round = (ms: number): number => Math.round(ms);
const MIB = 1024 * 1024;

/** Samples the process's resident memory while `fn` runs (DuckDB's memory is native, so it shows in the RSS). */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const value = await fn();
    return { value, peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / MIB) };
  } finally {
    clearInterval(timer);
  }
}

/** The merge source of version `v`: CHANGED rows, 80% updates of existing keys, 10% deletes, 10% new keys. */
function mergeSource(v: number): string {
  const updates = Math.floor(CHANGED * 0.8);
  const deletes = Math.floor(CHANGED * 0.1);
  const inserts = CHANGED - updates - deletes;
  // Keys of a window that moves through the table, as a source's recently touched rows would.
  const start = (v * 997) % Math.max(1, ROWS - updates - deletes);
  return `
    SELECT range::BIGINT AS id, 'status-' || ${v} AS status, (range * 7 + ${v})::DOUBLE AS fee, false AS gone
      FROM range(${start}, ${start + updates})
    UNION ALL SELECT range::BIGINT, NULL, NULL, true FROM range(${start + updates}, ${start + updates + deletes})
    UNION ALL SELECT (${ROWS} + ${v} * ${inserts} + range)::BIGINT, 'new', 1.0::DOUBLE, false FROM range(0, ${inserts})`;
}

async function main(): Promise<void> {
  const dir = KEEP ? path.resolve(KEEP) : await mkdtemp(path.join(tmpdir(), 'delta-changes-bench-'));
  const duckdb = await createDuckDbSession();
  const effects: WriteEffects = { storage: new LocalLakeStorage(dir), duckdb };
  try {
    const built = performance.now();
    const reuse = KEEP !== undefined && existsSync(path.join(dir, ROOT, '_delta_log'));
    if (reuse) {
      const latest = (await loadSnapshot(effects, ROOT)).version;
      if (latest !== VERSIONS) throw new Error(`${dir} holds ${latest} versions, not ${VERSIONS}`);
    } else {
      await createTable(effects, ROOT, {
        data: `SELECT range::BIGINT AS id, 'open' AS status, (range % 1000)::DOUBLE AS fee FROM range(0, ${ROWS})`,
        properties: {
          'delta.enableDeletionVectors': 'true',
          ...(CDF ? { 'delta.enableChangeDataFeed': 'true' } : {}),
        },
      });
      for (let v = 1; v <= VERSIONS; v += 1) {
        await merge(effects, ROOT, mergeSource(v), { keys: ['id'], deleteColumn: 'gone' });
        if (v % 100 === 0) console.log(`[delta-changes] built version ${v}/${VERSIONS}`);
      }
    }
    const buildMs = performance.now() - built;

    const changesStart = performance.now();
    const changesRun = await withPeakRss(async () => {
      const feed = await openChangeFeed(effects, ROOT, { from: 1, to: VERSIONS });
      await duckdb.run(`CREATE OR REPLACE TEMP TABLE feed AS ${feed.emptySql}`);
      let count = 0;
      for await (const batch of feed.batches()) {
        count += 1;
        try {
          if (batch.sql) await duckdb.run(`INSERT INTO feed ${batch.sql}`);
        } finally {
          await batch.release();
        }
      }
      return count;
    });
    const batches = changesRun.value;
    const changesMs = performance.now() - changesStart;
    const changeRows = Number(
      ((await duckdb.queryJson(`SELECT count(*) AS n FROM feed`))[0] as { n: number | string }).n,
    );
    await duckdb.run('DROP TABLE feed');

    // The baseline in a session of its own (the pipelines' 1 GB limit), and again with 4 GB if that runs out:
    // a snapshot of a thousand files with deletion vectors scans as one branch per file.
    const diff = async (memoryLimit: string) => {
      const session = await createDuckDbSession({ memoryLimit });
      const reader = { storage: effects.storage, duckdb: session };
      const started = performance.now();
      try {
        const run = await withPeakRss(async () => {
          const [before, after] = await Promise.all([
            loadSnapshot(reader, ROOT, { version: 0 }),
            loadSnapshot(reader, ROOT, { version: VERSIONS }),
          ]);
          const [a, b] = await Promise.all([planScan(reader, before), planScan(reader, after)]);
          try {
            await session.run(
              `CREATE TEMP TABLE diff AS SELECT a.*, b.* FROM (${a.sql}) a FULL OUTER JOIN (${b.sql}) b ` +
                `ON a.id = b.id WHERE a.id IS NULL OR b.id IS NULL OR a.status IS DISTINCT FROM b.status OR a.fee IS DISTINCT FROM b.fee`,
            );
          } finally {
            await Promise.all([a.release(), b.release()]);
          }
          return Number(
            ((await session.queryJson(`SELECT count(*) AS n FROM diff`))[0] as { n: number | string }).n,
          );
        });
        return { ms: performance.now() - started, rows: run.value, peakRssMiB: run.peakRssMiB, memoryLimit };
      } finally {
        session.close();
      }
    };
    let outOfMemoryAt1GB = false;
    const diffResult = await diff('1GB').catch(async (error: unknown) => {
      if (!/Out of Memory/i.test((error as Error).message)) throw error;
      outOfMemoryAt1GB = true;
      return diff('4GB');
    });
    const diffMs = diffResult.ms;
    const diffRun = { peakRssMiB: diffResult.peakRssMiB };
    const diffRows = diffResult.rows;

    const result = {
      benchmark: 'delta-changes',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavg: loadavg(), note: 'shared machine; figures vary between runs' },
      table: { rows: ROWS, versions: VERSIONS, changedPerVersion: CHANGED, changeDataFeed: CDF },
      buildMs: round(buildMs),
      changes: { ms: round(changesMs), rows: changeRows, batches, peakRssMiB: changesRun.peakRssMiB },
      snapshotDiff: {
        ms: round(diffMs),
        rows: diffRows,
        peakRssMiB: diffRun.peakRssMiB,
        memoryLimit: diffResult.memoryLimit,
        outOfMemoryAt1GB,
      },
      ratioChangesToDiff: Math.round((changesMs / diffMs) * 100) / 100,
    };
    const out = path.resolve('bench-results', 'delta-changes.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `[delta-changes] ${ROWS} rows, ${VERSIONS} merges of ${CHANGED} rows (${CDF ? 'change data feed on' : 'derived changes'}): ` +
        `changes 1..${VERSIONS} ${result.changes.ms} ms (${changeRows} rows, ${batches} batches, peak RSS ${changesRun.peakRssMiB} MiB), ` +
        `snapshot diff 0 vs ${VERSIONS} ${result.snapshotDiff.ms} ms (${diffRows} rows, peak RSS ${diffRun.peakRssMiB} MiB${outOfMemoryAt1GB ? ', out of memory at 1 GB, timed at 4 GB' : ''}), ratio ${result.ratioChangesToDiff}; ` +
        `build ${result.buildMs} ms; load ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')} → ${out}`,
    );
  } finally {
    duckdb.close();
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  }
}

await main();
