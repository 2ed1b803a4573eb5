// One line per table saying whether it may be trusted right now (freshness), then one row per synced table:
// state, data as of, versions and lag, the last sync, row counts on both sides, the last error.

import type { TableSyncStatus } from '@/server/api/sync-status';
import {
  describeTrust,
  displayState,
  formatAge,
  formatAgo,
  formatAsOfTime,
  formatCount,
  formatDuration,
  formatMinutes,
  formatVersion,
  STATE_LABEL,
} from './sync-format';

export function SyncStateBadge({ table }: { table: Pick<TableSyncStatus, 'state' | 'running'> }) {
  const state = displayState(table);
  return (
    <span className={`badge sync-badge sync-badge-${state}`} data-testid="sync-state">
      {STATE_LABEL[state]}
    </span>
  );
}

function RowCounts({ table }: { table: TableSyncStatus }) {
  // Only a table that claims to be in sync should have equal counts; a lagging one may differ legitimately.
  // An estimate (no sync has recorded a count yet) is only statistics: it proves no difference.
  const estimate = table.mysqlRowsSource === 'estimate';
  const differ =
    table.state === 'in-sync' &&
    !estimate &&
    table.deltaRows !== null &&
    table.mysqlRows !== null &&
    table.deltaRows !== table.mysqlRows;
  const title = differ
    ? 'Counts differ'
    : estimate
      ? 'MySQL count estimated from table statistics: no sync has recorded one yet'
      : 'MySQL count as of the last sync';
  return (
    <span className={differ ? 'sync-mismatch' : undefined} title={title} data-testid="sync-row-counts">
      {formatCount(table.deltaRows)} / {estimate ? '~' : ''}
      {formatCount(table.mysqlRows)}
    </span>
  );
}

/** The front-end team's question, answered per table in one line: may I trust it right now? */
export function TrustLines({ tables, now }: { tables: TableSyncStatus[]; now: number }) {
  return (
    <ul className="sync-trust" data-testid="sync-trust" aria-label="Can each table be trusted right now">
      {tables.map((t) => (
        <li
          key={t.table}
          className={`sync-trust-${t.freshness}`}
          data-testid="sync-trust-line"
          data-table={t.table}
          data-freshness={t.freshness}
          title={t.dataAsOf ? `Data as of ${t.dataAsOf} (UTC)` : undefined}
        >
          {describeTrust(t, (iso) => formatAsOfTime(iso, now))}
        </li>
      ))}
    </ul>
  );
}

export function SyncTable({ tables, now }: { tables: TableSyncStatus[]; now: number }) {
  return (
    <div className="sync-table-wrap">
      <table className="sync-table" data-testid="sync-table">
        <caption className="sync-visually-hidden">MySQL sync status per table</caption>
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col">State</th>
            <th scope="col">Data as of</th>
            <th scope="col">Synced / latest</th>
            <th scope="col">Lag</th>
            <th scope="col">Last synced</th>
            <th scope="col">Last sync</th>
            <th scope="col">Rows Delta / MySQL</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {tables.map((t) => (
            <tr key={t.table} data-testid="sync-row" data-table={t.table} data-state={displayState(t)}>
              <th scope="row">
                <span className="sync-name">{t.table}</span>
                <span className="sync-sub">{t.deltaTableRoot}</span>
              </th>
              <td>
                <SyncStateBadge table={t} />
              </td>
              <td data-testid="sync-as-of">
                <span title={t.dataAsOf ?? undefined}>
                  {t.dataAsOf ? formatAsOfTime(t.dataAsOf, now) : 'unknown'}
                </span>
                <span className="sync-sub">
                  {t.ageSeconds === null ? '' : `${formatAge(t.ageSeconds)} old · `}
                  {t.freshnessLimitSeconds === null
                    ? 'no limit'
                    : `limit ${formatAge(t.freshnessLimitSeconds)}`}
                </span>
              </td>
              <td data-testid="sync-versions">
                {formatVersion(t.syncedVersion)} / {formatVersion(t.latestVersion)}
              </td>
              <td data-testid="sync-lag">
                {t.lagVersions === null ? '—' : `${t.lagVersions} version${t.lagVersions === 1 ? '' : 's'}`}
                <span className="sync-sub">{formatMinutes(t.lagMinutes)}</span>
              </td>
              <td>
                <span title={t.lastSyncedAt ?? undefined}>{formatAgo(t.lastSyncedAt, now)}</span>
              </td>
              <td>
                {formatDuration(t.lastDurationMs)}
                {t.lastMode ? ` · ${t.lastMode}` : ''}
                <span className="sync-sub">
                  +{formatCount(t.lastRowsUpserted)} upserted · −{formatCount(t.lastRowsDeleted)} deleted
                </span>
              </td>
              <td>
                <RowCounts table={t} />
              </td>
              <td className="sync-error-cell">
                {t.lastError ? (
                  <span className="sync-error-text" title={t.lastErrorCode ?? undefined}>
                    {t.lastError}
                  </span>
                ) : (
                  <span className="sync-sub">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
