// `delta changes <table> --from N [--to M] [--format jsonl|csv]`: the table's row-level changes streamed to stdout,
// one batch of commits at a time (pipelines/delta/changes.ts), so a range of thousands of versions never sits in
// memory. Where the changes come from (change data files, or derived from add/remove) goes to stderr.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { toSqlString } from '../engine/duckdb-session';
import type { ReadEffects } from '../delta/checkpoint';
import { openChangeFeed, type ChangeSource } from '../delta/changes';
import { DeltaError } from '../delta/errors';
import type { TimestampSource } from '../delta/time-travel';

export interface ChangesArgs {
  from?: string;
  to?: string;
  format: 'jsonl' | 'csv';
  timestampSource: TimestampSource;
}

function parseVersion(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new DeltaError('INVALID_ARGUMENT', `${flag} must be a version number`);
  return Number(text);
}

const toLine = (value: unknown): string =>
  `${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))}\n`;

/** Streams the changes to `out`, then says on `err` how many versions came from change data files. */
export async function runChanges(
  effects: ReadEffects,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  args: ChangesArgs,
): Promise<void> {
  const from = parseVersion(args.from, '--from');
  if (from === undefined) throw new DeltaError('INVALID_ARGUMENT', 'changes needs --from N');
  const to = parseVersion(args.to, '--to');
  const feed = await openChangeFeed(
    effects,
    '',
    { from, ...(to !== undefined ? { to } : {}) },
    { timestampSource: args.timestampSource },
  );
  const counts: Record<ChangeSource, number> = { cdc: 0, derived: 0 };
  const dir = args.format === 'csv' ? await mkdtemp(path.join(tmpdir(), 'delta-changes-')) : null;
  let header = true;
  try {
    for await (const batch of feed.batches()) {
      try {
        for (const source of Object.values(batch.sources)) counts[source] += 1;
        if (dir) {
          // DuckDB formats the CSV (as `scan` does); the header goes out once, with the first batch.
          const sql = batch.sql ?? (header ? feed.emptySql : null);
          if (!sql) continue;
          const file = path.join(dir, 'batch.csv');
          await effects.duckdb.run(`COPY (${sql}) TO ${toSqlString(file)} (FORMAT csv, HEADER ${header})`);
          header = false;
          await pipeline(createReadStream(file), out, { end: false });
        } else if (batch.sql) {
          for await (const row of effects.duckdb.streamJson(batch.sql)) out.write(toLine(row));
        }
      } finally {
        await batch.release();
      }
    }
    if (dir && header) {
      await effects.duckdb.run(
        `COPY (${feed.emptySql}) TO ${toSqlString(path.join(dir, 'batch.csv'))} (FORMAT csv, HEADER true)`,
      );
      await pipeline(createReadStream(path.join(dir, 'batch.csv')), out, { end: false });
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  const how = feed.changeDataFeedEnabled
    ? 'delta.enableChangeDataFeed is on'
    : 'delta.enableChangeDataFeed is off: changes derived from added and removed files (no update pre/post-images)';
  err.write(
    `versions ${feed.from}..${feed.to} (latest ${feed.latest}): ${counts.cdc} read from change data files, ` +
      `${counts.derived} derived; ${how}\n`,
  );
}
