'use client';
// The runs list, grouped by pipeline, and the selected run's detail (?run=<id>, so a run can be linked).
// Polls every 2 s while any run is running, every 15 s otherwise, and not at all while the tab is hidden.

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { AccessNotice } from '../_components/access-notice';
import { StatusBadge } from '../_components/status-badge';
import { api } from '../_lib/api-client';
import type { RunView, ScheduleItem } from '../_lib/control-types';
import { formatTime } from '../_lib/format';
import { can, useCurrentUser } from '../_lib/use-current-user';
import { usePolling } from '../_lib/use-polling';
import { notebookHref, notebookOfTarget } from './notebook-target';
import { groupPipelines, type PipelineGroup } from './pipeline-groups';
import { ReconcileActions } from './reconcile-actions';
import { ReloadForm, tablesOfRuns } from './reload-form';
import { RunChart } from './run-chart';
import { LatestChecks } from './run-checks';
import { RunDetail } from './run-detail';
import { parseStatusFilter, pipelinesHref, StatusFilter, type StatusFilterValue } from './status-filter';
import { RunTable } from './run-table';

const RUNS_SHOWN_PER_PIPELINE = 10;
const LIVE_MS = 2_000;
const IDLE_MS = 15_000;

export function PipelinesView() {
  const user = useCurrentUser();
  const allowed = can(user, 'runs:read');
  const params = useSearchParams();
  const selectedId = params.get('run');
  const status = parseStatusFilter(params.get('status'));
  // The interval follows the data: fast while something runs. Set from the loader, so one poller suffices.
  const [anyRunning, setAnyRunning] = useState(false);
  const runs = usePolling(
    async (signal) => {
      if (!allowed) return undefined;
      const query = status ? `/api/runs?limit=200&status=${status}` : '/api/runs?limit=200';
      const list = (await api.get<{ runs: RunView[] }>(query, signal)).runs;
      setAnyRunning(list.some((r) => r.status === 'running'));
      return list;
    },
    allowed ? (anyRunning ? LIVE_MS : IDLE_MS) : null,
    [allowed, status],
  );

  // Admins also see which schedule drives each pipeline, and scheduled pipelines that have not run yet.
  const canSeeSchedules = can(user, 'schedules:read');
  const schedules = usePolling(
    async (signal) =>
      canSeeSchedules
        ? (await api.get<{ schedules: ScheduleItem[] }>('/api/schedules', signal)).schedules
        : [],
    canSeeSchedules ? IDLE_MS : null,
    [canSeeSchedules],
  );

  const notice = <AccessNotice user={user} permission="runs:read" next="/pipelines" what="pipeline runs" />;
  if (!allowed) return notice;

  const { data, error } = runs;
  const now = Date.now();
  const canCancel = can(user, 'runs:write');

  return (
    <>
      {error ? (
        <p role="alert" className="form-error">
          Could not load runs: {error.message}
        </p>
      ) : null}
      <StatusFilter current={status} run={selectedId} />
      {selectedId ? (
        <RunDetail
          id={selectedId}
          canCancel={canCancel}
          onChanged={runs.refresh}
          closeHref={pipelinesHref(null, status)}
        />
      ) : null}
      {data === undefined ? (
        <p className="muted">Loading runs…</p>
      ) : (
        <>
          {data.length === 0 && !status ? <EmptyRuns /> : null}
          {data.length === 0 && status ? (
            <p className="muted" data-testid="runs-none-filtered">
              No {status} runs among the latest 200.
            </p>
          ) : null}
          {/* Filtered, only pipelines with matching runs are listed. */}
          {groupPipelines(data, status ? [] : (schedules.data ?? [])).map((group) => (
            <PipelineSection
              key={group.pipeline}
              group={group}
              now={now}
              selectedId={selectedId}
              status={status}
              onReconcile={canCancel ? runs.refresh : null}
              canReload={canCancel}
              onQueued={runs.refresh}
            />
          ))}
        </>
      )}
      <p className="muted small">
        Schedules decide when runs start: see <Link href="/schedules">Schedules</Link>.
      </p>
    </>
  );
}

function PipelineSection({
  group: { pipeline, runs, schedules },
  now,
  selectedId,
  status,
  onReconcile,
  canReload,
  onQueued,
}: {
  group: PipelineGroup;
  now: number;
  selectedId: string | null;
  status: StatusFilterValue;
  /** Admins (runs:write) start reconcile runs; null hides the buttons. */
  onReconcile: (() => void) | null;
  canReload: boolean;
  onQueued: () => void;
}) {
  const latest = runs[0];
  const notebook = notebookOfTarget(pipeline);
  return (
    <section className="block pipeline-block" data-pipeline={pipeline}>
      <h2 className="pipeline-title">
        {notebook ? (
          <>
            Notebook <Link href={notebookHref(notebook)}>{notebook}</Link>
          </>
        ) : (
          pipeline
        )}{' '}
        {latest ? <StatusBadge status={latest.status} /> : null}
      </h2>
      <p className="muted">
        {latest
          ? `Last run started ${formatTime(latest.startedAt)} · ${runs.length} run${runs.length === 1 ? '' : 's'} in the latest 200`
          : 'No runs recorded yet.'}
        {schedules.map((s) => (
          <span key={s.name} className="pipeline-schedule" data-testid="pipeline-schedule">
            {' '}
            · <Link href="/schedules">{s.name}</Link>: {s.paused ? 'paused' : s.description}
            {!s.paused && s.nextRuns[0] ? `, next ${formatTime(s.nextRuns[0])}` : ''}
          </span>
        ))}
      </p>
      {onReconcile && !notebook ? <ReconcileActions pipeline={pipeline} onQueued={onReconcile} /> : null}
      {runs.length > 0 ? (
        <RunChart pipeline={pipeline} refreshKey={latest ? `${latest.id}:${latest.status}` : ''} />
      ) : null}
      {canReload && !notebook ? (
        <ReloadForm pipeline={pipeline} tables={tablesOfRuns(runs)} onQueued={onQueued} />
      ) : null}
      <LatestChecks runs={runs} status={status} />
      {runs.length > 0 ? (
        <RunTable
          runs={runs.slice(0, RUNS_SHOWN_PER_PIPELINE)}
          now={now}
          selectedId={selectedId}
          status={status}
        />
      ) : null}
    </section>
  );
}

function EmptyRuns() {
  return (
    <section className="notice" data-testid="runs-empty">
      <p className="notice-label">No runs recorded yet</p>
      <p>
        Runs appear here when the worker runs a job: each time a schedule fires, or when an admin clicks{' '}
        <em>Run now</em> on the <Link href="/schedules">Schedules</Link> page. The worker starts with{' '}
        <code>npm start</code> (or alone with <code>npm run worker</code>).
      </p>
      <p>
        A run started by hand with <code>npm run pipeline -- run &lt;pipeline&gt;</code> writes to the lake
        directly and is not recorded here.
      </p>
    </section>
  );
}
