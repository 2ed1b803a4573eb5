// A small lake with two Delta tables written by our Delta writer and synced into a throwaway MariaDB database,
// for the sync status and restore API tests and the sync page's browser test:
//   permits      v0 create (ids 0-99) → v1 merge (ids 0-29 changed, 90-99 deleted), synced at v1
//   inspections  v0 create (ids 0-49), synced at v0
// `commitUnsynced()` then appends to permits, so it lags by one version while inspections stays in sync.

import { append, createTable, merge, readSnapshotRows, loadSnapshot } from '../../pipelines/delta/index';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { syncTable, type SyncEffects } from '../../pipelines/sync/index';
import { openSyncTestEnv, type SyncTestEnv } from './sync-test-env';

export const PERMITS = { tableRoot: 'tables/permits', mysqlTable: 'permits', keyColumns: ['permit_id'] };
export const INSPECTIONS = {
  tableRoot: 'tables/inspections',
  mysqlTable: 'inspections',
  keyColumns: ['inspection_id'],
};

/** Permit rows with ids in [from, to); `variant` changes every non-key value. */
export function permitRows(from: number, to: number, variant = 0): string {
  return `SELECT i::BIGINT AS permit_id,
      'permit ' || i || ' v' || ${variant} AS address,
      CAST(i * 10.5 + ${variant} AS DECIMAL(10,2)) AS fee,
      TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(CAST(i * 3600 + ${variant} AS BIGINT)) AS issued_at
    FROM range(${from}, ${to}) AS r(i)`;
}

export interface SyncedLake extends SyncTestEnv {
  storage: LocalLakeStorage;
  effects: SyncEffects;
  /** Appends ids 100-119 to permits (not synced): permits now lags one version. */
  commitUnsynced(): Promise<number>;
  /** Rows of a table's snapshot (latest or `version`), sorted by its key, as plain JSON values. */
  snapshotRows(tableRoot: string, key: string, version?: number): Promise<Record<string, unknown>[]>;
}

export async function createSyncedLake(prefix: string): Promise<SyncedLake> {
  const env = await openSyncTestEnv(prefix);
  const storage = new LocalLakeStorage(env.lakeDir);
  const write = { storage, duckdb: env.duckdb };
  const effects: SyncEffects = { storage, duckdb: env.duckdb, connect: env.db.connect };
  await createTable(write, PERMITS.tableRoot, { data: permitRows(0, 100) });
  await merge(
    write,
    PERMITS.tableRoot,
    `SELECT *, false AS _deleted FROM (${permitRows(0, 30, 1)})
     UNION ALL SELECT *, true AS _deleted FROM (${permitRows(90, 100)})`,
    { keys: ['permit_id'], deleteColumn: '_deleted' },
  );
  await createTable(write, INSPECTIONS.tableRoot, {
    data: `SELECT i::INTEGER AS inspection_id, 'inspector ' || (i % 7) AS inspector FROM range(0, 50) AS r(i)`,
  });
  await syncTable(effects, PERMITS);
  await syncTable(effects, INSPECTIONS);
  return {
    ...env,
    storage,
    effects,
    commitUnsynced: async () => (await append(write, PERMITS.tableRoot, permitRows(100, 120))).version,
    async snapshotRows(tableRoot, key, version) {
      const snapshot = await loadSnapshot(write, tableRoot, version === undefined ? {} : { version });
      const rows = await readSnapshotRows(write, snapshot);
      return rows
        .map((row) =>
          JSON.parse(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))),
        )
        .sort((a, b) => Number(a[key]) - Number(b[key]));
    },
  };
}
