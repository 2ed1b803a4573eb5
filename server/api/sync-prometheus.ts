// Prometheus text exposition (format 0.0.4) of the sync status, so the front-end team's monitoring can scrape
// /api/sync/status?format=prometheus and alert on lag without parsing JSON. Pure: no I/O.

import type { TableSyncStatus } from '@/pipelines/sync';
import type { SyncStatusReport } from './sync-status';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const STATES = ['in-sync', 'lagging', 'stale', 'failed'] as const;

interface Gauge {
  name: string;
  help: string;
  /** null: the value is unknown, so the sample is left out (Prometheus has no null; NaN would mislead). */
  value: (table: TableSyncStatus) => number | null;
}

const GAUGES: Gauge[] = [
  {
    name: 'lakehouse_sync_lag_versions',
    help: 'Delta versions the MySQL table is behind',
    value: (t) => t.lagVersions,
  },
  {
    name: 'lakehouse_sync_lag_minutes',
    help: 'Minutes since the oldest Delta commit MySQL does not have yet (0 when in sync)',
    value: (t) => t.lagMinutes,
  },
  { name: 'lakehouse_sync_synced_version', help: 'Delta version MySQL holds', value: (t) => t.syncedVersion },
  { name: 'lakehouse_sync_latest_version', help: 'Latest Delta version', value: (t) => t.latestVersion },
  { name: 'lakehouse_sync_delta_rows', help: 'Rows in the latest Delta snapshot', value: (t) => t.deltaRows },
  { name: 'lakehouse_sync_mysql_rows', help: 'Rows in the MySQL table', value: (t) => t.mysqlRows },
  {
    name: 'lakehouse_sync_last_rows_upserted',
    help: 'Rows upserted by the last sync',
    value: (t) => t.lastRowsUpserted,
  },
  {
    name: 'lakehouse_sync_last_rows_deleted',
    help: 'Rows deleted by the last sync',
    value: (t) => t.lastRowsDeleted,
  },
  {
    name: 'lakehouse_sync_last_duration_seconds',
    help: 'Duration of the last sync',
    value: (t) => (t.lastDurationMs === null ? null : t.lastDurationMs / 1000),
  },
  {
    name: 'lakehouse_sync_last_synced_timestamp_seconds',
    help: 'When the last sync finished (Unix time)',
    value: (t) => (t.lastSyncedAt === null ? null : toUnixSeconds(t.lastSyncedAt)),
  },
  {
    name: 'lakehouse_sync_data_age_seconds',
    help: 'Seconds since the data MySQL holds was read from the source (its data-as-of)',
    value: (t) => t.ageSeconds,
  },
  {
    name: 'lakehouse_sync_data_as_of_timestamp_seconds',
    help: 'When the source read behind the MySQL data began (Unix time): every change committed before is in',
    value: (t) => (t.dataAsOf === null ? null : toUnixSeconds(t.dataAsOf)),
  },
  {
    name: 'lakehouse_sync_freshness_limit_seconds',
    help: "The table's freshness limit: older data is stale",
    value: (t) => t.freshnessLimitSeconds,
  },
  {
    name: 'lakehouse_sync_stale',
    help: '1 when the data is older than its freshness limit, 0 when within it (absent when unknown)',
    value: (t) => (t.freshness === 'unknown' ? null : t.freshness === 'stale' ? 1 : 0),
  },
  {
    name: 'lakehouse_sync_running',
    help: '1 while a sync of the table runs',
    value: (t) => (t.running ? 1 : 0),
  },
];

/** MySQL DATETIME text from the state table is UTC without a zone. */
function toUnixSeconds(text: string): number | null {
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** Label values escape backslash, double quote and newline (exposition format rules). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

export function formatSyncPrometheus(report: SyncStatusReport): string {
  const lines: string[] = [];
  const table = (t: TableSyncStatus) => `table="${escapeLabelValue(t.table)}"`;
  lines.push('# HELP lakehouse_sync_up 1 when the sync status could be read from MySQL');
  lines.push('# TYPE lakehouse_sync_up gauge');
  lines.push('lakehouse_sync_up 1');
  lines.push('# HELP lakehouse_sync_tables Synced tables known to the sync state table');
  lines.push('# TYPE lakehouse_sync_tables gauge');
  lines.push(`lakehouse_sync_tables ${report.tables.length}`);
  // One sample per possible state, 1 for the current one: the usual way to expose an enum.
  lines.push("# HELP lakehouse_sync_state 1 for the table's current state (in-sync, lagging, stale, failed)");
  lines.push('# TYPE lakehouse_sync_state gauge');
  for (const t of report.tables) {
    for (const state of STATES) {
      lines.push(`lakehouse_sync_state{${table(t)},state="${state}"} ${t.state === state ? 1 : 0}`);
    }
  }
  for (const gauge of GAUGES) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`);
    lines.push(`# TYPE ${gauge.name} gauge`);
    for (const t of report.tables) {
      const value = gauge.value(t);
      if (value !== null) lines.push(`${gauge.name}{${table(t)}} ${formatNumber(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** For a 503: Prometheus still gets a parsable body that says the status could not be read. */
export function formatSyncDownPrometheus(): string {
  return [
    '# HELP lakehouse_sync_up 1 when the sync status could be read from MySQL',
    '# TYPE lakehouse_sync_up gauge',
    'lakehouse_sync_up 0',
    '',
  ].join('\n');
}
