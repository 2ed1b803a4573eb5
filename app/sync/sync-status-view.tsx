'use client';
// The live part of /sync: the overall state, the per-table status, an empty state that says how tables get
// synced, and failures a person can act on (log in, ask for the role, MySQL down).

import type { SyncStatusReport } from '@/server/api/sync-status';
import { AccessNotice } from '../_components/access-notice';
import type { ApiClientError } from '../_lib/api-client';
import { useCurrentUser } from '../_lib/use-current-user';
import { SyncTable, TrustLines } from './sync-table';
import { useSyncStatus } from './use-sync-status';

const OVERALL: Record<SyncStatusReport['state'], string> = {
  'in-sync': 'Every table is in sync',
  lagging: 'Some tables lag behind their Delta table',
  stale: 'Some tables hold data older than their freshness limit',
  failed: 'A sync has failed',
  'no-tables': 'No table is synced yet',
};

function Failure({ error }: { error: ApiClientError }) {
  if (error.status === 401) {
    return (
      // The same notice the other pages give a visitor who has not signed in.
      <p className="access-notice" data-testid="access-notice">
        <a href="/login?next=%2Fsync">Log in</a> to see the MySQL sync status.
      </p>
    );
  }
  return (
    <p className="sync-alert" role="alert" data-testid="sync-error">
      {error.status === 503 ? 'MySQL cannot be reached, so the sync status is unknown. ' : ''}
      {error.message}
    </p>
  );
}

function EmptyState() {
  return (
    <div className="sync-empty" data-testid="sync-empty">
      <p>
        <strong>No table is synced into MySQL yet.</strong>
      </p>
      <p>
        A pipeline run syncs every table whose definition has a sync target, right after it commits the Delta
        version. A table can also be synced by hand:
      </p>
      <pre className="sync-code">
        npm run sync -- run tables/&lt;table&gt; --mysql-table &lt;table&gt; --key &lt;key column&gt;
      </pre>
    </div>
  );
}

export function SyncStatusView() {
  // A visitor who has not signed in gets the log-in link, as on the other pages, instead of a poll whose 401
  // would send them straight to the login page; a signed-in user without sync:read still sees the server's 403.
  const user = useCurrentUser();
  if (user.status === 'loading' || user.status === 'anonymous') {
    return <AccessNotice user={user} permission="sync:read" next="/sync" what="the MySQL sync status" />;
  }
  return <LiveSyncStatus />;
}

function LiveSyncStatus() {
  const { report, error, loading, paused, refresh } = useSyncStatus();
  const now = report ? Date.parse(report.generatedAt) : Date.now();
  return (
    <section aria-labelledby="sync-overall" className="sync-view">
      <div className="sync-toolbar">
        <h2 id="sync-overall" data-testid="sync-overall" data-state={report?.state ?? 'unknown'}>
          {report ? OVERALL[report.state] : loading ? 'Loading the sync status…' : 'Sync status unknown'}
        </h2>
        <span className="sync-sub" aria-live="polite">
          {report ? `Updated ${new Date(report.generatedAt).toLocaleTimeString()} · ${report.mysql} · ` : ''}
          {paused ? 'refresh paused while this tab is hidden' : 'refreshes every 10 s'}
        </span>
        <button type="button" className="sync-refresh" onClick={refresh} disabled={loading}>
          Refresh now
        </button>
      </div>
      {error ? <Failure error={error} /> : null}
      {report && report.tables.length === 0 ? <EmptyState /> : null}
      {report && report.tables.length > 0 ? <TrustLines tables={report.tables} now={now} /> : null}
      {report && report.tables.length > 0 ? <SyncTable tables={report.tables} now={now} /> : null}
    </section>
  );
}
