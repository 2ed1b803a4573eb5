// Apply one extracted run (its raw manifest) to the table's Delta table in ONE commit: the first run creates the
// table with the full load; a full run overwrites; an incremental run merges the changed rows by key, plus
// deletes of keys missing from the source when the run compared keys. The commit carries a txn action
// (appId <pipeline>/<table>, version = run sequence), so a retried run is applied once, and commitInfo.pipelineRun
// (run id, watermark, source position), from which the next run is planned. A new source column becomes a new
// nullable column; an incompatible type change stops the table with INCOMPATIBLE_SCHEMA and writes nothing.
// Before writing, the table's quality checks on the incoming rows (and the row count change the commit would make)
// run (incoming-checks.ts): a failed `error` check stops the table with QUALITY_CHECK_FAILED and writes nothing.

import { toSqlString } from '../engine/duckdb-session';
import { materializeLakeFiles } from '../engine/local-files';
import { isDeltaError } from '../delta/errors';
import { planScan } from '../delta/scan';
import { loadSnapshot } from '../delta/snapshot';
import {
  CHANGE_DATA_FEED_PROPERTY,
  createTable,
  describeQuery,
  isChangeDataFeedEnabled,
  merge,
  overwrite,
  reconcileSchema,
  setTableProperties,
  type WriteEffects,
} from '../delta/write';
import { PipelineError } from '../definition/errors';
import type { TableDefinition } from '../definition/load-definition';
import type { CheckResult } from '../quality/check-result';
import { preCommitChecks } from '../quality/evaluate-checks';
import { RUN_INFO_KEY } from './commit-info-storage';
import { countMergeRows, countRows, gateIncoming } from './incoming-checks';
import { widenRange } from './parquet-chunks';
import { getAppId, type RunInfo } from './plan-run';
import type { RawManifest } from './raw-manifest';

export interface ApplyResult {
  table: string;
  action: 'create' | 'full' | 'incremental';
  /** Delta version holding the run (the existing one when it was already applied). */
  version: number;
  alreadyApplied: boolean;
  metrics: Record<string, number>;
  runInfo: RunInfo;
  /** The pre-commit quality checks' results (all passed, or failed with severity warn). */
  checks: CheckResult[];
}

const DELETE_FLAG = '__pipeline_deleted';

/**
 * Properties of the tables the CDC creates. Deletion vectors let an incremental run mark the few changed rows as
 * deleted instead of rewriting every file that holds one (issue 4); readers need protocol 3/7 with the
 * deletionVectors feature, which Spark 3.4+/Delta 2.4+, delta-rs and Databricks read.
 */
export const CDC_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  'delta.enableDeletionVectors': 'true',
};

/** Properties of a table whose definition asks for a change data feed (`changeDataFeed: true`). */
export const CHANGE_FEED_PROPERTIES: Readonly<Record<string, string>> = {
  [CHANGE_DATA_FEED_PROPERTY]: 'true',
};

/**
 * An existing table whose definition now asks for a change data feed gets it by a property commit before the run's
 * write (so the write already produces change files). Turning the option off later leaves the feed on: consumers
 * may read it, and only the table's owner should drop it.
 */
async function ensureChangeDataFeed(effects: WriteEffects, table: TableDefinition): Promise<void> {
  if (table.changeDataFeed !== true) return;
  const snapshot = await loadSnapshot(effects, table.target);
  if (isChangeDataFeedEnabled(snapshot.metadata)) return;
  await setTableProperties(effects, table.target, { ...CHANGE_FEED_PROPERTIES });
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function parquetList(paths: string[]): string {
  return `[${paths.map(toSqlString).join(', ')}]`;
}

/** The incoming rows: every part file, one row per key (the newest by watermark) when overlap can repeat keys. */
export function buildIncomingSql(manifest: RawManifest, localPaths: string[], dedupe: boolean): string {
  const rows = `SELECT * FROM read_parquet(${parquetList(localPaths)})`;
  if (!dedupe) return rows;
  const keys = manifest.primaryKey.map(quote).join(', ');
  const order = manifest.watermark ? `${quote(manifest.watermark.column)} DESC NULLS LAST` : keys;
  return `SELECT * FROM (${rows}) QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY ${order}) = 1`;
}

/**
 * Incoming rows minus those the table already holds with the same key and watermark value. Only table rows whose
 * watermark is inside the incoming rows' range (or NULL, when NULL watermarks arrive) can match, so the table side
 * is cut to that range: DuckDB turns the bounds into row-group filters of the scan and skips the table's older rows,
 * instead of hashing the key and watermark of every row (a 5,000,000-row table: ~350 ms → ~30 ms per incremental
 * run). `boundsSql` gives the range: any superset of the incoming rows (the parts before de-duplication).
 */
export function buildChangedRowsSql(
  incomingSql: string,
  tableSql: string,
  keys: string[],
  watermark: string,
  bounds: { sql: string; nullWatermarks: boolean } = { sql: incomingSql, nullWatermarks: true },
): string {
  const join = [...keys, watermark].map(
    (column) => `t.${quote(column)} IS NOT DISTINCT FROM i.${quote(column)}`,
  );
  const mark = quote(watermark);
  const inRange =
    `SELECT * FROM (${tableSql}) w WHERE w.${mark} BETWEEN (SELECT min(${mark}) FROM (${bounds.sql})) ` +
    `AND (SELECT max(${mark}) FROM (${bounds.sql}))`;
  // A separate branch, not `IS NULL OR BETWEEN`: with the OR DuckDB no longer pushes the bounds into the scan. Only
  // when NULL watermarks arrive (an incremental extract reads `>= from`, so never): the branch scans the table
  // again, deletion vectors and all.
  const candidates = bounds.nullWatermarks
    ? `${inRange} UNION ALL SELECT * FROM (${tableSql}) w WHERE w.${mark} IS NULL`
    : inRange;
  return (
    `SELECT i.* FROM (${incomingSql}) i WHERE NOT EXISTS (SELECT 1 FROM ` +
    `(${candidates}) t WHERE ${join.join(' AND ')})`
  );
}

/** Delete rows for keys the table has and the source no longer has (key comparison). */
export function buildDeletesSql(
  manifest: RawManifest,
  tableKeysSql: string,
  sourceKeyPaths: string[],
): string {
  const keys = manifest.primaryKey;
  const join = keys.map((key) => `s.${quote(key)} = t.${quote(key)}`).join(' AND ');
  const columns = manifest.schema.map((column) =>
    keys.includes(column.name)
      ? `t.${quote(column.name)} AS ${quote(column.name)}`
      : `CAST(NULL AS ${column.type.duckdb}) AS ${quote(column.name)}`,
  );
  return (
    `SELECT ${columns.join(', ')}, true AS ${DELETE_FLAG} FROM (${tableKeysSql}) t ` +
    `WHERE NOT EXISTS (SELECT 1 FROM read_parquet(${parquetList(sourceKeyPaths)}) s WHERE ${join})`
  );
}

export function buildRunInfo(
  manifest: RawManifest,
  previous: RunInfo | null,
  keysCompared: boolean,
): RunInfo {
  let watermark: RunInfo['watermark'] = null;
  if (manifest.watermark) {
    const { column, max } = manifest.watermark;
    // An incremental run that saw nothing keeps the old mark; a full load replaces the table, so its own max wins.
    const carried =
      manifest.mode === 'incremental' && previous?.watermark?.column === column
        ? previous.watermark.value
        : null;
    watermark = { column, value: widenRange({ min: null, max: carried }, { min: null, max }).max };
  }
  return {
    pipeline: manifest.pipeline,
    table: manifest.table,
    runId: manifest.runId,
    runSequence: manifest.runSequence,
    mode: manifest.mode,
    watermark,
    position: manifest.position,
    rows: manifest.rowCount,
    keysCompared,
    lastKeyComparison:
      manifest.mode === 'full' || keysCompared ? manifest.runSequence : (previous?.lastKeyComparison ?? 0),
    dataAsOf: manifest.dataAsOf ?? null,
  };
}

function wrapSchemaError(error: unknown, manifest: RawManifest, target: string): never {
  if (isDeltaError(error, 'SCHEMA_MISMATCH')) {
    throw new PipelineError(
      'INCOMPATIBLE_SCHEMA',
      `Table ${manifest.table} stopped: the source schema no longer fits the Delta table ${target} ` +
        `(${error.message}); the table was left untouched. Change the column back, or reload it into a new target`,
      { cause: error },
    );
  }
  throw error;
}

/**
 * Stops with INCOMPATIBLE_SCHEMA before the checks run, as the write itself would: a check on a column whose type
 * changed would otherwise fail with a binder error and hide the real reason.
 */
async function assertSchemaFits(
  effects: WriteEffects,
  target: string,
  incomingSql: string,
  manifest: RawManifest,
): Promise<void> {
  const snapshot = await loadSnapshot(effects, target);
  try {
    reconcileSchema(snapshot.schema, await describeQuery(effects.duckdb, incomingSql), true);
  } catch (error) {
    wrapSchemaError(error, manifest, target);
  }
}

/** Rows of the table's current version (a key-only scan). */
async function countCurrentRows(effects: WriteEffects, target: string, keys: string[]): Promise<number> {
  const plan = await planScan(effects, await loadSnapshot(effects, target), { columns: keys });
  try {
    return await countRows(effects.duckdb, plan.sql);
  } finally {
    await plan.release();
  }
}

export async function applyRun(
  effects: WriteEffects,
  table: TableDefinition,
  manifest: RawManifest,
  previous: RunInfo | null,
): Promise<ApplyResult> {
  const target = table.target;
  const txn = { appId: getAppId(manifest.pipeline, manifest.table), version: manifest.runSequence };
  const exists = await loadSnapshot(effects, target).then(
    () => true,
    (error: unknown) => {
      if (isDeltaError(error, 'TABLE_NOT_FOUND')) return false;
      throw error;
    },
  );
  const keysCompared = exists && manifest.mode === 'incremental' && manifest.keyFiles !== null;
  const runInfo = buildRunInfo(manifest, previous, keysCompared);
  const action: ApplyResult['action'] = !exists
    ? 'create'
    : manifest.mode === 'full'
      ? 'full'
      : 'incremental';
  const parts = await materializeLakeFiles(
    effects.storage,
    manifest.files.map((file) => file.path),
  );
  const keyParts = await materializeLakeFiles(
    effects.storage,
    keysCompared ? (manifest.keyFiles ?? []).map((file) => file.path) : [],
  );
  // The run's facts travel in its one commit, so the next run reads its state from the table itself.
  const commitOptions = { txn, extraCommitInfo: { [RUN_INFO_KEY]: runInfo } };
  let checks: CheckResult[] = [];
  try {
    const incoming = buildIncomingSql(manifest, parts.paths, action === 'incremental');
    if (exists && preCommitChecks(table).length > 0) {
      await assertSchemaFits(effects, target, incoming, manifest);
    }
    if (action !== 'incremental') {
      checks = await gateIncoming(effects.duckdb, table, incoming, async () => ({
        before: exists ? await countCurrentRows(effects, target, manifest.primaryKey) : null,
        after: await countRows(effects.duckdb, incoming),
      }));
    }
    if (action === 'create') {
      const result = await createTable(effects, target, {
        data: incoming,
        partitionColumns: table.partitionBy,
        properties: {
          ...CDC_TABLE_PROPERTIES,
          ...(table.changeDataFeed === true ? CHANGE_FEED_PROPERTIES : {}),
        },
        name: manifest.table,
        description: `${manifest.source}.${manifest.table}, loaded by pipeline ${manifest.pipeline}`,
        // A first load's rows are the raw files' rows, undeduplicated: they become the table's files as they are
        // (one Parquet encode per run, not two) when their columns are the table's; linked, so the raw zone keeps
        // its copy for retries and lineage.
        adoptFiles: parts.paths,
        ...commitOptions,
      });
      return {
        table: manifest.table,
        action,
        version: result.version,
        alreadyApplied: false,
        metrics: result.metrics,
        runInfo,
        checks,
      };
    }
    if (action === 'full') {
      await ensureChangeDataFeed(effects, table);
      const result = await overwrite(effects, target, incoming, {
        ...commitOptions,
        mergeSchema: true,
      }).catch((error: unknown) => wrapSchemaError(error, manifest, target));
      return { table: manifest.table, action, ...result, runInfo, checks };
    }
    const snapshot = await loadSnapshot(effects, target);
    const mark = manifest.watermark?.column;
    const markType = manifest.schema.find((column) => column.name === mark)?.type.delta;
    const comparable =
      mark !== undefined && snapshot.schema.fields.some((f) => f.name === mark && f.type === markType);
    const plan = await planScan(effects, snapshot, {
      columns: comparable ? [...manifest.primaryKey, mark] : manifest.primaryKey,
    });
    const release = plan.release;
    // The overlap window re-reads rows the table already has; dropping them keeps a quiet hour from rewriting files.
    const rawRows = buildIncomingSql(manifest, parts.paths, false);
    const changed = comparable
      ? buildChangedRowsSql(incoming, plan.sql, manifest.primaryKey, mark, {
          sql: rawRows,
          nullWatermarks: (await countRows(effects.duckdb, `${rawRows} WHERE ${quote(mark)} IS NULL`)) > 0,
        })
      : incoming;
    let source = `SELECT *, false AS ${DELETE_FLAG} FROM (${changed})`;
    if (keysCompared) {
      source = `${source} UNION ALL BY NAME ${buildDeletesSql(manifest, plan.sql, keyParts.paths)}`;
    }
    try {
      checks = await gateIncoming(effects.duckdb, table, incoming, () =>
        countMergeRows(effects.duckdb, plan.sql, source, manifest.primaryKey, DELETE_FLAG),
      );
      await ensureChangeDataFeed(effects, table);
      const result = await merge(effects, target, source, {
        keys: manifest.primaryKey,
        deleteColumn: DELETE_FLAG,
        mergeSchema: true,
        ...commitOptions,
      }).catch((error: unknown) => wrapSchemaError(error, manifest, target));
      return {
        table: manifest.table,
        action,
        version: result.version,
        alreadyApplied: result.alreadyApplied,
        metrics: result.metrics,
        runInfo,
        checks,
      };
    } finally {
      await release();
    }
  } finally {
    await parts.release();
    await keyParts.release();
  }
}
