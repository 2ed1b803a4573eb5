// Change Data Feed, write side (PROTOCOL.md "Change Data Files", "Add CDC File"). On a table with
// `delta.enableChangeDataFeed=true`, a commit that updates or deletes rows carries `cdc` actions naming Parquet
// files under `_change_data/` that hold the changed rows with a `_change_type` column (insert, update_preimage,
// update_postimage, delete). Readers of such a commit read only those files; for a commit without cdc actions they
// take adds as inserts and removes as deletes, which is exact only when every removed file's rows all left the
// table — so an append (adds only) needs no change files, and every write that removes rows writes them.
// The files are written before the commit like data files; a commit that never happens leaves orphans vacuum
// deletes.

import type { AddFile, Cdc, Metadata } from '../actions';
import { quoteIdentifier, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { CHANGE_TYPE_COLUMN, writeDataFiles } from './data-files';
import type { WriteEffects } from './effects';

export const CHANGE_DATA_FEED_PROPERTY = 'delta.enableChangeDataFeed';

export type ChangeType = 'insert' | 'update_preimage' | 'update_postimage' | 'delete';

/** True when the table asks for a change data feed (`delta.enableChangeDataFeed=true`). */
export function isChangeDataFeedEnabled(metadata: Pick<Metadata, 'configuration'> | undefined): boolean {
  return (metadata?.configuration?.[CHANGE_DATA_FEED_PROPERTY] ?? 'false').toLowerCase() === 'true';
}

/** SQL literal for a change type (a fixed set, never user text). */
export function changeTypeLiteral(type: ChangeType): string {
  return `'${type}'`;
}

/**
 * Writes the rows of `sql` (the table's columns in schema order, then `_change_type`) as change data files of the
 * table, laid out by its partition columns like data files, and returns their cdc actions (not yet committed).
 * No rows, no files.
 */
export async function writeChangeDataFiles(
  effects: WriteEffects,
  snapshot: Snapshot,
  input: { sql: string; schema: StructType },
): Promise<Cdc[]> {
  const written: AddFile[] = await writeDataFiles(effects, {
    tableRoot: snapshot.tableRoot,
    sql: input.sql,
    schema: input.schema,
    partitionColumns: snapshot.partitionColumns,
    dataChange: false,
    // Only numRecords is used (empty output is skipped); no column stats are recorded for change files.
    numIndexedCols: 0,
    changeData: true,
  });
  // PROTOCOL.md "Add CDC File": dataChange must be false, change files are not part of the table's data.
  return written.map((file) => ({
    path: file.path,
    partitionValues: file.partitionValues,
    size: file.size,
    dataChange: false,
  }));
}

/** `SELECT <columns>, '<type>' AS _change_type FROM (sql)`: labels rows that all have the same change type. */
export function labelChanges(sql: string, schema: StructType, type: ChangeType): string {
  const columns = schema.fields.map((field) => quoteIdentifier(field.name)).join(', ');
  return `SELECT ${columns}, ${changeTypeLiteral(type)} AS ${quoteIdentifier(CHANGE_TYPE_COLUMN)} FROM (${sql})`;
}

/**
 * Change files for a commit that replaces whole files (overwrite, restore): rows of `removedSql` as deletes and
 * rows of `addedSql` as inserts, both the table's columns in schema order. With `cancelUnchanged`, rows present on
 * both sides (as many times) are not changes and are left out, as a restore re-adding an old file needs.
 */
export function writeReplacementChanges(
  effects: WriteEffects,
  snapshot: Snapshot,
  input: { removedSql: string; addedSql: string; schema: StructType; cancelUnchanged: boolean },
): Promise<Cdc[]> {
  const { removedSql, addedSql, schema } = input;
  const deleted = input.cancelUnchanged ? `(${removedSql}) EXCEPT ALL (${addedSql})` : removedSql;
  const inserted = input.cancelUnchanged ? `(${addedSql}) EXCEPT ALL (${removedSql})` : addedSql;
  const sql = `${labelChanges(`SELECT * FROM (${deleted})`, schema, 'delete')} UNION ALL ${labelChanges(`SELECT * FROM (${inserted})`, schema, 'insert')}`;
  return writeChangeDataFiles(effects, snapshot, { sql, schema });
}
