// The sync status command behind GET /api/sync/status: every synced table's status (pipelines/sync
// readSyncStatus against MYSQL_URL and the process's lake), with one overall state for dashboards and alerts.

import { createMySqlConnector, readSyncStatus, type TableSyncStatus } from '@/pipelines/sync';
import { loadEnv } from '../config/env';
import { getLakeContext } from './workbench/lake-context';

export type { TableSyncStatus };

/**
 * Worst state wins (failed > stale > lagging > in-sync, the order of pipelines/sync/read-sync-status.ts): one
 * failed table makes the whole sync failed; no tables at all is its own state.
 */
export type OverallSyncState = 'in-sync' | 'lagging' | 'stale' | 'failed' | 'no-tables';

export interface SyncStatusReport {
  state: OverallSyncState;
  generatedAt: string;
  /** The MySQL database the front-end team reads, without credentials. */
  mysql: string;
  tables: TableSyncStatus[];
}

export function summarizeSyncState(tables: Pick<TableSyncStatus, 'state'>[]): OverallSyncState {
  if (tables.length === 0) return 'no-tables';
  if (tables.some((t) => t.state === 'failed')) return 'failed';
  if (tables.some((t) => t.state === 'stale')) return 'stale';
  if (tables.some((t) => t.state === 'lagging')) return 'lagging';
  return 'in-sync';
}

/** Host, port and database of a mysql:// URL; never the user or password. */
export function describeMySqlTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `mysql://${parsed.host}${parsed.pathname}`;
  } catch {
    return 'mysql://(unparsable MYSQL_URL)';
  }
}

export async function getSyncStatusReport(now: () => Date = () => new Date()): Promise<SyncStatusReport> {
  const env = loadEnv();
  const { storage, duckdb } = await getLakeContext();
  const tables = await readSyncStatus({ storage, duckdb, connect: createMySqlConnector(env.MYSQL_URL), now });
  return {
    state: summarizeSyncState(tables),
    generatedAt: now().toISOString(),
    mysql: describeMySqlTarget(env.MYSQL_URL),
    tables,
  };
}
