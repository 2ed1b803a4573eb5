// The sync's change set read from the table's change data feed (PROTOCOL.md "Change Data Files") instead of a
// diff of the files two snapshots differ by. Usable when every commit in (from, to] either carries cdc actions
// (a merge, restore or overwrite of a feed table), only adds rows (appends, insert-only merges: adds are inserts),
// or changes no data (dataChange=false: optimize, property changes); any other commit (a remove without change
// files, from a writer without the feed) sends the sync back to the file diff. Per key only the last change in the
// range counts: a delete is a delete, an insert or update_postimage an upsert with its row; pre-images are not
// needed. Leaves the same temp tables as buildChangeSetSql (sync_upserts, sync_deletes).
//
// This is the sync's own narrow reader (net change per key). The general change-feed reader (table_changes, the
// `delta changes` command) lives with the Delta reader.

import type { AddFile, Cdc } from '../delta/actions';
import { readCommit } from '../delta/read-commit';
import { planScan } from '../delta/scan';
import { quoteIdentifier, quoteLiteral, type StructType } from '../delta/schema';
import type { Snapshot } from '../delta/snapshot';
import { CHANGE_TYPE_COLUMN, getCommitPath } from '../delta/write';
import { CHANGE_TABLES } from './duckdb-sql';
import type { SyncEffects } from './types';

/** What one commit contributes to the feed: its change files, its added files (all inserts), or nothing. */
export type FeedCommit =
  { version: number; kind: 'cdc'; files: Cdc[] } | { version: number; kind: 'adds'; files: AddFile[] };

export type FeedPlan = { kind: 'ready'; commits: FeedCommit[] } | { kind: 'unavailable'; reason: string };

const FEED_TABLE = 'sync_feed';

/** Reads the commits (from, to] and decides whether their changes can be read from the feed. */
export async function planChangeFeed(
  effects: SyncEffects,
  tableRoot: string,
  fromVersion: number,
  toVersion: number,
): Promise<FeedPlan> {
  const commits: FeedCommit[] = [];
  for (let version = fromVersion + 1; version <= toVersion; version += 1) {
    let actions;
    try {
      actions = await readCommit(effects, { path: getCommitPath(tableRoot, version) }, version);
    } catch {
      return { kind: 'unavailable', reason: `commit ${version} is no longer in the log` };
    }
    const cdc = actions.flatMap((action) => (action.cdc ? [action.cdc] : []));
    if (cdc.length > 0) {
      commits.push({ version, kind: 'cdc', files: cdc });
      continue;
    }
    if (actions.some((action) => action.remove && action.remove.dataChange !== false)) {
      return { kind: 'unavailable', reason: `commit ${version} removes rows without change data files` };
    }
    const adds = actions.flatMap((action) =>
      action.add && action.add.dataChange !== false ? [action.add] : [],
    );
    if (adds.length > 0) commits.push({ version, kind: 'adds', files: adds });
  }
  return { kind: 'ready', commits };
}

/** The feed's rows of one commit as `<table columns>, _change_type` (pre-images left out). */
async function insertCommitRows(
  effects: SyncEffects,
  to: Snapshot,
  commit: FeedCommit,
  columns: string,
): Promise<void> {
  const changeType = quoteIdentifier(CHANGE_TYPE_COLUMN);
  // Change files are read like data files (partition values from the action, absent columns NULL), with the
  // change type as one more string column.
  const schema: StructType =
    commit.kind === 'cdc'
      ? {
          ...to.schema,
          fields: [
            ...to.schema.fields,
            { name: CHANGE_TYPE_COLUMN, type: 'string', nullable: true, metadata: {} },
          ],
        }
      : to.schema;
  const files: AddFile[] =
    commit.kind === 'cdc'
      ? commit.files.map((cdc) => ({
          path: cdc.path,
          partitionValues: cdc.partitionValues,
          size: cdc.size,
          modificationTime: 0,
          dataChange: false,
        }))
      : commit.files;
  const plan = await planScan(effects, { ...to, schema, files });
  try {
    const rows =
      commit.kind === 'cdc'
        ? `SELECT ${columns}, ${changeType} FROM (${plan.sql}) WHERE ${changeType} <> 'update_preimage'`
        : `SELECT ${columns}, 'insert' AS ${changeType} FROM (${plan.sql})`;
    await effects.duckdb.run(
      `INSERT INTO ${FEED_TABLE} SELECT *, ${commit.version} AS __version FROM (${rows})`,
    );
  } finally {
    await plan.release();
  }
}

/**
 * Fills sync_upserts and sync_deletes from the feed: per key, the last change of the range (a later commit wins;
 * within a commit a delete comes before an insert of the same key, as a replacement writes them).
 */
export async function buildFeedChangeSet(
  effects: SyncEffects,
  to: Snapshot,
  plan: Extract<FeedPlan, { kind: 'ready' }>,
  keyColumns: string[],
): Promise<void> {
  const names = to.schema.fields.map((field) => quoteIdentifier(field.name));
  const columns = names.join(', ');
  const keys = keyColumns.map(quoteIdentifier).join(', ');
  const changeType = quoteIdentifier(CHANGE_TYPE_COLUMN);
  // An empty table of the right column types (a scan of no file), filled commit by commit.
  const none = await planScan(effects, { ...to, files: [] });
  await effects.duckdb.run(
    `CREATE OR REPLACE TEMP TABLE ${FEED_TABLE} AS SELECT ${columns}, ${quoteLiteral('insert')} AS ${changeType}, ` +
      `0::BIGINT AS __version FROM (${none.sql})`,
  );
  await none.release();
  try {
    for (const commit of plan.commits) await insertCommitRows(effects, to, commit, columns);
    const last =
      `SELECT * FROM ${FEED_TABLE} QUALIFY row_number() OVER (PARTITION BY ${keys} ` +
      `ORDER BY __version DESC, CASE WHEN ${changeType} = 'delete' THEN 0 ELSE 1 END DESC) = 1`;
    await effects.duckdb.run(`CREATE OR REPLACE TEMP TABLE sync_feed_last AS ${last}`);
    await effects.duckdb.run(
      `CREATE OR REPLACE TEMP TABLE ${CHANGE_TABLES.upserts} AS SELECT ${columns} FROM sync_feed_last WHERE ${changeType} <> 'delete'`,
    );
    await effects.duckdb.run(
      `CREATE OR REPLACE TEMP TABLE ${CHANGE_TABLES.deletes} AS SELECT DISTINCT ${keys} FROM sync_feed_last WHERE ${changeType} = 'delete'`,
    );
  } finally {
    await effects.duckdb.run(`DROP TABLE IF EXISTS ${FEED_TABLE}`).catch(() => {});
    await effects.duckdb.run('DROP TABLE IF EXISTS sync_feed_last').catch(() => {});
  }
}
