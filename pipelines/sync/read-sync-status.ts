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
import { tableExists } from './mysql/full-load';
import { quoteTable } from './mysql/identifiers';
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
  const mysqlRows = (await tableExists(client, row.tableName))
    ? Number(
        (await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${quoteTable(row.tableName)}`))[0]?.n,
      )
    : null;
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
    lastError,
    lastErrorCode,
    dataAsOf: row.dataAsOf,
    newestChange: row.newestChange,
    ageSeconds,
    freshnessLimitSeconds: row.freshnessLimitSeconds,
    freshness,
  };
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
    const statuses: TableSyncStatus[] = [];
    for (const row of rows) statuses.push(await readTableStatus(effects as SyncEffects, client, row, now));
    return statuses;
  } finally {
    await client.close();
  }
}
