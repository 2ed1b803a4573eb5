// The view behind `table_changes('permits', 3, 7)` on the server path (and in scheduled notebooks): the change
// feed of those versions (pipelines/delta/changes.ts) written batch by batch into Parquet files in a temp folder,
// then read by the view. Each batch is one bounded query, so a range of a thousand versions never builds one huge
// plan (which ran out of DuckDB memory); the view's files are the only ones a locked session may read.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openChangeFeed, quoteIdentifier } from '@/pipelines/delta';
import { toSqlString, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { tableRootOf } from './catalog';
import type { LakeContext } from './lake-context';
import { toChangesApiError } from './table-changes';

export interface ChangeView {
  /** Parquet files the view reads. */
  files: string[];
  /** Last version the view's changes cover. */
  version: number;
  release(): Promise<void>;
}

/** Defines `view` in `session` over the changes of `table` in versions from..to (the latest when absent). */
export async function defineChangeView(
  context: LakeContext,
  session: DuckDbSession,
  view: string,
  table: string,
  range: { from: number; to?: number },
): Promise<ChangeView> {
  const root = tableRootOf(table);
  const dir = await mkdtemp(path.join(tmpdir(), 'wb-changes-'));
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    const effects = { storage: context.storage, duckdb: session };
    const feed = await openChangeFeed(effects, root, range);
    const files: string[] = [];
    for await (const batch of feed.batches()) {
      try {
        if (!batch.sql) continue;
        const file = path.join(dir, `${files.length}.parquet`);
        await session.run(`COPY (${batch.sql}) TO ${toSqlString(file)} (FORMAT parquet)`);
        files.push(file);
      } finally {
        await batch.release();
      }
    }
    const body =
      files.length === 0
        ? feed.emptySql
        : `SELECT * FROM read_parquet([${files.map(toSqlString).join(', ')}])`;
    await session.run(`CREATE TEMP VIEW ${quoteIdentifier(view)} AS ${body}`);
    return { files, version: feed.to, release };
  } catch (error) {
    await release();
    throw toChangesApiError(table, error);
  }
}
