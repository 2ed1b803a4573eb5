// Status of every synced table for the server, the UI and the CLI: versions and lag, the last run, row counts on
// both sides, how old the data is against the table's freshness limit, and one state a person can read:
// failed > stale > lagging > in-sync. Stale outranks lagging because it is the one that tells the front end not
// to trust the table (its data is older than the limit whatever the cause); lagging alone means MySQL is a
// version or two behind Delta while still within the limit, which the next sync usually settles. Failed outranks
// both: someone has to act, and its data-as-of is not moving any more.

import { tableNameOf } from '../definition/table-roots';
import { loadSnapshot, planScan, readHistory, type Snapshot } from '../delta/index';
import { describeError } from './errors';
import type { MySqlClient } from './mysql/connection';
import { isSyncLockFree, listSyncStates, type SyncStateRow } from './mysql/sync-state';
import { judgeFreshness, type Freshness } from './freshness';
import { countRowsFromStats } from './plan-sync';
import type { SyncEffects } from './types';

export type SyncHealth = 'in-sync' | 'lagging' | 'stale' | 'failed';

export interface TableSyncStatus {
  table: string;
  deltaTableRoot: string;
  /** The Delta table's name in the workbench catalog (tableNameOf its root); null for a root outside tables/. */
  deltaTableName: string | null;
  state: SyncHealth;
  /** A sync holds the table's lock right now. */
  running: boolean;
  syncedVersion: number | null;
  latestVersion: number | null;
  lagVersions: number | null;
  /** Minutes since the oldest Delta commit MySQL does not have yet (0 when in sync). */
  lagMinutes: number | null;
  lastSyncedAt: string | null;
  lastMode: string | null;
  lastDurationMs: number | null;
  lastRowsUpserted: number;
  lastRowsDeleted: number;
  deltaRows: number | null;
  mysqlRows: number | null;
  /**
   * Where mysqlRows comes from: 'recorded' = counted by the last sync in the transaction that recorded it (exact
   * as that sync left the table); 'estimate' = InnoDB's statistics (information_schema TABLE_ROWS, may be off by
   * tens of percent), for a table no sync has recorded a count for yet; null when the MySQL table is missing.
   */
  mysqlRowsSource: 'recorded' | 'estimate' | null;
  lastError: string | null;
  lastErrorCode: string | null;
  /** When the source read behind the synced version began (ISO): MySQL holds every change committed before it. */
  dataAsOf: string | null;
  /** The synced version's watermark: the newest change MySQL holds (source text; may be older on a quiet table). */
  newestChange: string | null;
  /** Seconds since dataAsOf; null when it is unknown. */
  ageSeconds: number | null;
  /** The table's freshness limit, recorded by its last pipeline sync; null when none was given. */
  freshnessLimitSeconds: number | null;
  freshness: Freshness;
}

async function countDeltaRows(effects: SyncEffects, snapshot: Snapshot): Promise<number> {
  const fromStats = countRowsFromStats(snapshot.files);
  if (fromStats !== null) return fromStats;
  const plan = await planScan(effects, snapshot, { columns: [snapshot.schema.fields[0]?.name ?? ''] });
  try {
    const [row] = await effects.duckdb.queryJson(`SELECT count(*) AS n FROM (${plan.sql})`);
    return Number(row?.n ?? 0);
  } finally {
    await plan.release();
  }
}

async function readTableStatus(
  effects: SyncEffects,
  client: MySqlClient,
  row: SyncStateRow,
  now: Date,
  estimates: Map<string, number>,
): Promise<TableSyncStatus> {
  const lockFree = row.status === 'running' ? await isSyncLockFree(client, row.tableName) : true;
  const interrupted = row.status === 'running' && lockFree;
  let lastError =
    row.error ?? (interrupted ? 'The last sync was interrupted (connection lost or process ended)' : null);
  let lastErrorCode = row.errorCode ?? (interrupted ? 'INTERRUPTED' : null);
  let latest: Snapshot | null = null;
  let deltaRows: number | null = null;
  let lagMinutes: number | null = null;
  try {
    latest = await loadSnapshot(effects, row.deltaTableRoot);
    deltaRows = await countDeltaRows(effects, latest);
    const synced = row.deltaVersion ?? -1;
    if (latest.version <= synced) lagMinutes = 0;
    else {
      const history = await readHistory(effects, row.deltaTableRoot, { limit: latest.version - synced });
      const oldest = history.find((entry) => entry.version === synced + 1) ?? history[history.length - 1];
      lagMinutes = oldest ? Math.max(0, Math.round((now.getTime() - oldest.timestamp) / 600) / 100) : null;
    }
  } catch (error) {
    lastError = `Delta table unreadable: ${describeError(error)}`;
    lastErrorCode = 'DELTA_READ_FAILED';
  }
  // Never COUNT(*) here: the status is read on every page view and scrape, and counting every table each time is
  // what the front-end MySQL would feel. The sync records the count when it commits; only tables without one
  // (synced before issue 17) fall back to the statistics' estimate.
  const estimate = estimates.get(row.tableName);
  const mysqlRows = estimate === undefined ? null : (row.mysqlRows ?? estimate);
  const mysqlRowsSource = estimate === undefined ? null : row.mysqlRows !== null ? 'recorded' : 'estimate';
  const lagVersions = latest ? latest.version - (row.deltaVersion ?? -1) : null;
  const failed = row.status === 'failed' || interrupted || latest === null;
  const { ageSeconds, freshness } = judgeFreshness(row.dataAsOf, row.freshnessLimitSeconds, now);
  return {
    table: row.tableName,
    deltaTableRoot: row.deltaTableRoot,
    deltaTableName: tableNameOf(row.deltaTableRoot) ?? null,
    state: failed ? 'failed' : freshness === 'stale' ? 'stale' : lagVersions === 0 ? 'in-sync' : 'lagging',
    running: row.status === 'running' && !lockFree,
    syncedVersion: row.deltaVersion,
    latestVersion: latest?.version ?? null,
    lagVersions,
    lagMinutes,
    lastSyncedAt: row.syncedAt,
    lastMode: row.mode,
    lastDurationMs: row.durationMs,
    lastRowsUpserted: row.rowsUpserted,
    lastRowsDeleted: row.rowsDeleted,
    deltaRows,
    mysqlRows,
    mysqlRowsSource,
    lastError,
    lastErrorCode,
    dataAsOf: row.dataAsOf,
    newestChange: row.newestChange,
    ageSeconds,
    freshnessLimitSeconds: row.freshnessLimitSeconds,
    freshness,
  };
}

/**
 * Every base table of the database with InnoDB's row estimate, in one query of the statistics (no table is read).
 * A table missing from the map does not exist.
 */
async function estimateRows(client: MySqlClient): Promise<Map<string, number>> {
  const rows = await client.query<{ name: unknown; n: unknown }>(
    `SELECT TABLE_NAME AS name, TABLE_ROWS AS n FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`,
  );
  return new Map(rows.map((r) => [String(r.name), Number(r.n ?? 0)]));
}

/** Status of every table in the state table (or of the named ones). */
export async function readSyncStatus(
  effects: Pick<SyncEffects, 'storage' | 'duckdb' | 'connect' | 'now'>,
  options: { tables?: string[] } = {},
): Promise<TableSyncStatus[]> {
  const client = await effects.connect();
  try {
    const now = (effects.now ?? (() => new Date()))();
    const rows = (await listSyncStates(client)).filter(
      (row) => !options.tables || options.tables.includes(row.tableName),
    );
    const estimates = await estimateRows(client);
    const statuses: TableSyncStatus[] = [];
    for (const row of rows)
      statuses.push(await readTableStatus(effects as SyncEffects, client, row, now, estimates));
    return statuses;
  } finally {
    await client.close();
  }
}
