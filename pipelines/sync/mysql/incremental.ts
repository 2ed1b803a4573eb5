// Incremental sync between two snapshots: the row-level change set is read from the table's change data feed when
// every commit in between allows it (change-feed.ts), else computed in DuckDB from the files removed and added
// (see duckdb-sql.ts buildChangeSetSql), then applied in idempotent batches (deletes by key, then
// INSERT … ON DUPLICATE KEY UPDATE). The last batch commits together with the state row.

import { planScan, type Snapshot } from '../../delta/index';
import { quoteIdentifier } from '../../delta/schema';
import { buildChangeSetSql, buildExportSelect, CHANGE_TABLES, getExportAlias } from '../duckdb-sql';
import { buildFeedChangeSet, planChangeFeed } from '../change-feed';
import {
  compareSchema,
  countRowsFromStats,
  diffSnapshotFiles,
  findTooNarrowColumn,
  isTooManyChanges,
  type SchemaComparison,
} from '../plan-sync';
import type { SyncEffects, SyncTableOptions } from '../types';
import { groupRows } from './batches';
import type { MySqlClient } from './connection';
import { buildAddColumnsSql } from './ddl';
import { buildDeleteSql, buildInsertSql } from './dml';
import { measureColumns } from './full-load';
import { mapDeltaType, type MySqlColumn } from './type-mapping';

/** Where the change set came from: the table's change data feed, or the diff of the two snapshots' files. */
export type ChangeSource = 'feed' | 'files';

export type IncrementalPlan =
  | { kind: 'fallback'; reason: string }
  | {
      kind: 'ready';
      columns: MySqlColumn[];
      addedColumns: MySqlColumn[];
      upserts: number;
      deletes: number;
      changeSource: ChangeSource;
    };

function getMappingOptions(options: SyncTableOptions) {
  return {
    keyColumns: options.keyColumns,
    indexColumns: (options.indexes ?? []).flat(),
    ...(options.maxVarcharLength ? { maxVarcharLength: options.maxVarcharLength } : {}),
    ...(options.decimalOverflow ? { decimalOverflow: options.decimalOverflow } : {}),
  };
}

/**
 * Computes the change set into DuckDB temp tables and decides whether it can be applied incrementally.
 * Reading the old files can fail (vacuumed): that is a fallback, not an error.
 */
export async function planIncrementalSync(
  effects: SyncEffects,
  options: SyncTableOptions,
  stored: MySqlColumn[],
  from: Snapshot,
  to: Snapshot,
): Promise<IncrementalPlan> {
  if (
    JSON.stringify(from.partitionColumns) !== JSON.stringify(to.partitionColumns) ||
    from.columnMappingMode !== to.columnMappingMode
  ) {
    return { kind: 'fallback', reason: 'partitioning or column mapping changed' };
  }
  const schema = compareSchema(stored, to.schema, getMappingOptions(options));
  if (!schema.compatible) return { kind: 'fallback', reason: schema.reason };
  const feed =
    options.changeFeed === false || to.columnMappingMode !== 'none'
      ? null
      : await planChangeFeed(effects, options.tableRoot, from.version, to.version);
  if (feed?.kind === 'ready') {
    try {
      await buildFeedChangeSet(effects, to, feed, options.keyColumns);
      return await finishPlan(effects, options, stored, to, schema, 'feed');
    } catch (error) {
      // A change file vacuumed or unreadable: the file diff below still knows the answer.
      effects.log?.(
        `[sync] ${options.mysqlTable}: change feed not readable, diffing files (${String(error)})`,
      );
      await dropChangeTables(effects);
    }
  }
  const diff = diffSnapshotFiles(from.files, to.files);
  let removedPlan;
  try {
    // Removed files are read with the new schema, so columns added since come back NULL on both sides.
    removedPlan = await planScan(effects, { ...to, files: diff.removed });
  } catch (error) {
    return {
      kind: 'fallback',
      reason: `files of v${from.version} are no longer readable (${String(error)})`,
    };
  }
  const addedPlan = await planScan(effects, { ...to, files: diff.added }).catch(async (error: unknown) => {
    await removedPlan.release();
    throw error;
  });
  try {
    const names = to.schema.fields.map((field) => field.name);
    for (const sql of buildChangeSetSql(removedPlan.sql, addedPlan.sql, names, options.keyColumns)) {
      await effects.duckdb.run(sql);
    }
  } catch (error) {
    return {
      kind: 'fallback',
      reason: `change set of v${from.version}→v${to.version} not computable (${String(error)})`,
    };
  } finally {
    await Promise.all([removedPlan.release(), addedPlan.release()]);
  }
  return finishPlan(effects, options, stored, to, schema, 'files');
}

/** Decides on the change set left in sync_upserts / sync_deletes: too many changes, too long values, new columns. */
async function finishPlan(
  effects: SyncEffects,
  options: SyncTableOptions,
  stored: MySqlColumn[],
  to: Snapshot,
  schema: Extract<SchemaComparison, { compatible: true }>,
  changeSource: ChangeSource,
): Promise<IncrementalPlan> {
  const mappingOptions = getMappingOptions(options);
  const [counts] = await effects.duckdb.queryJson(
    `SELECT (SELECT count(*) FROM ${CHANGE_TABLES.upserts}) AS upserts, (SELECT count(*) FROM ${CHANGE_TABLES.deletes}) AS deletes`,
  );
  const upserts = Number(counts?.upserts ?? 0);
  const deletes = Number(counts?.deletes ?? 0);
  const volume = {
    changedRows: upserts + deletes,
    targetRows: countRowsFromStats(to.files),
    maxChangeFraction: options.maxChangeFraction ?? 0.5,
  };
  if (isTooManyChanges(volume)) {
    return {
      kind: 'fallback',
      reason: `${volume.changedRows} changed rows of ${volume.targetRows}: a resync is cheaper`,
    };
  }
  const measured = await measureColumns(effects, `SELECT * FROM ${CHANGE_TABLES.upserts}`, to.schema.fields);
  const narrow = findTooNarrowColumn(stored, measured.lengths);
  if (narrow)
    return { kind: 'fallback', reason: `new values of '${narrow}' are longer than its MySQL column` };
  const newFields = to.schema.fields.filter((field) => schema.addedFields.includes(field.name));
  const addedColumns = newFields.map((field) => ({
    ...mapDeltaType(field.name, field.type, { ...mappingOptions, valueLengths: measured.lengths }),
    nullable: true,
  }));
  const columns = to.schema.fields.map(
    (field) =>
      stored.find((column) => column.name === field.name) ??
      (addedColumns.find((column) => column.name === field.name) as MySqlColumn),
  );
  return { kind: 'ready', columns, addedColumns, upserts, deletes, changeSource };
}

interface Statement {
  sql: string;
  params: unknown[];
  kind: 'upsert' | 'delete';
  rows: number;
}

async function* buildStatements(
  effects: SyncEffects,
  options: SyncTableOptions,
  columns: MySqlColumn[],
): AsyncIterable<Statement> {
  const batchRows = options.batchRows ?? 1000;
  const keyColumns = options.keyColumns.map(
    (name) => columns.find((column) => column.name === name) as MySqlColumn,
  );
  const deleteSql = buildExportSelect(
    `SELECT * FROM ${CHANGE_TABLES.deletes}`,
    keyColumns,
    options.keyColumns,
  );
  const keyAliases = keyColumns.map((_, index) => getExportAlias(index));
  for await (const batch of groupRows(effects.duckdb.streamJson(deleteSql), keyAliases, batchRows)) {
    yield {
      sql: buildDeleteSql(options.mysqlTable, keyColumns, batch.length),
      params: batch.flat(),
      kind: 'delete',
      rows: batch.length,
    };
  }
  const source = `SELECT ${columns.map((column) => quoteIdentifier(column.name)).join(', ')} FROM ${CHANGE_TABLES.upserts}`;
  const upsertSql = buildExportSelect(source, columns, options.keyColumns);
  const aliases = columns.map((_, index) => getExportAlias(index));
  for await (const batch of groupRows(effects.duckdb.streamJson(upsertSql), aliases, batchRows)) {
    yield {
      sql: buildInsertSql(options.mysqlTable, columns, batch.length, true),
      params: batch.flat(),
      kind: 'upsert',
      rows: batch.length,
    };
  }
}

/**
 * Applies a ready plan. Every batch but the last autocommits (each is idempotent: deletes and upserts by key);
 * the last one runs in a transaction with `finish`, which records the new version; its result is returned once
 * that transaction has committed.
 */
export async function applyIncrementalSync<T>(
  effects: SyncEffects,
  client: MySqlClient,
  options: SyncTableOptions,
  plan: Extract<IncrementalPlan, { kind: 'ready' }>,
  finish: (client: MySqlClient) => Promise<T>,
): Promise<T> {
  if (plan.addedColumns.length > 0) {
    // A failed earlier run may have added them already (DDL commits at once): add only what is missing.
    const existing = await client.query<{ name: string }>(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [options.mysqlTable],
    );
    const names = new Set(existing.map((row) => String(row.name).toLowerCase()));
    const missing = plan.addedColumns.filter((column) => !names.has(column.name.toLowerCase()));
    if (missing.length > 0) await client.execute(buildAddColumnsSql(options.mysqlTable, missing));
  }
  let held: Statement | null = null;
  let index = 0;
  const run = async (statement: Statement) => {
    await effects.beforeBatch?.({ index, kind: statement.kind, rows: statement.rows, client });
    await client.execute(statement.sql, statement.params);
    index += 1;
  };
  try {
    for await (const statement of buildStatements(effects, options, plan.columns)) {
      if (held) await run(held);
      held = statement;
    }
    await client.query('START TRANSACTION');
    if (held) await run(held);
    const finished = await finish(client);
    await client.query('COMMIT');
    return finished;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await dropChangeTables(effects);
  }
}

/** Frees the change set's DuckDB temp tables. */
export async function dropChangeTables(effects: Pick<SyncEffects, 'duckdb'>): Promise<void> {
  for (const table of [CHANGE_TABLES.upserts, CHANGE_TABLES.deletes]) {
    await effects.duckdb.run(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
  }
}
