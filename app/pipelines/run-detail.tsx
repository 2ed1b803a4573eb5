'use client';
// One run: its facts, per-stage progress, error (stack collapsed), data-quality checks, reconcile findings and log
// lines. Polls every 2 s while the run is running and stops once it has finished. Admins may cancel a running
// run; the worker stops it within a heartbeat, so the page says the cancel was requested rather than pretending it
// is done.

import Link from 'next/link';
import { useState } from 'react';
import { StatusBadge } from '../_components/status-badge';
import { api, ApiClientError } from '../_lib/api-client';
import type { RunLogView, RunView } from '../_lib/control-types';
import { formatCount, formatDuration, formatTime, NOT_KNOWN, runDuration } from '../_lib/format';
import { usePolling } from '../_lib/use-polling';
import { RunChecks } from './run-checks';
import { RunReconcile } from './run-reconcile';
import { notebookHref, notebookOfTarget } from './notebook-target';
import { extraProgress, PROGRESS_FIELDS } from './run-progress';

const LIVE_MS = 2_000;

interface RunAnswer {
  run: RunView;
  logs: RunLogView[];
}

export function RunDetail({
  id,
  canCancel,
  onChanged,
  closeHref,
}: {
  id: string;
  canCancel: boolean;
  onChanged: () => void;
  closeHref: string;
}) {
  const [running, setRunning] = useState(true);
  const [cancelState, setCancelState] = useState<{ busy: boolean; message?: string; error?: string }>({
    busy: false,
  });
  const answer = usePolling(
    async (signal) => {
      const value = await api.get<RunAnswer>(`/api/runs/${encodeURIComponent(id)}`, signal);
      setRunning(value.run.status === 'running');
      return value;
    },
    running ? LIVE_MS : null,
    [id],
  );

  async function cancel() {
    setCancelState({ busy: true });
    try {
      await api.post(`/api/runs/${encodeURIComponent(id)}`, { action: 'cancel' });
      setCancelState({ busy: false, message: 'Cancel requested; the worker stops the run within seconds.' });
    } catch (error) {
      setCancelState({ busy: false, error: error instanceof ApiClientError ? error.message : String(error) });
    }
    answer.refresh();
    onChanged();
  }

  const close = (
    <Link href={closeHref} scroll={false} className="close-link">
      Close
    </Link>
  );
  if (answer.error && !answer.data) {
    return (
      <section className="block run-detail" data-testid="run-detail">
        <p role="alert" className="form-error">
          Could not load run {id}: {answer.error.message}
        </p>
        {close}
      </section>
    );
  }
  if (!answer.data) return <p className="muted">Loading run…</p>;
  const { run, logs } = answer.data;

  return (
    <section className="block run-detail" data-testid="run-detail" aria-labelledby="run-detail-title">
      <div className="run-detail-head">
        <h2 id="run-detail-title">
          Run of {run.pipeline} <StatusBadge status={run.status} />
        </h2>
        {close}
      </div>
      <dl className="facts">
        <dt>Run id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Job</dt>
        <dd>{run.jobType}</dd>
        {notebookOfTarget(run.pipeline) ? (
          <>
            <dt>Notebook</dt>
            <dd>
              <Link href={notebookHref(notebookOfTarget(run.pipeline) ?? '')} data-testid="run-notebook-link">
                open the notebook and its stored runs
              </Link>
            </dd>
          </>
        ) : null}
        <dt>Trigger</dt>
        <dd>
          {run.trigger} (attempt {run.attempt})
        </dd>
        <dt>Scheduled for</dt>
        <dd>{formatTime(run.scheduledFor)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{run.finishedAt ? formatTime(run.finishedAt) : 'not yet'}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(runDuration(run, Date.now()))}</dd>
        <dt>Worker</dt>
        <dd>{run.worker ?? NOT_KNOWN}</dd>
      </dl>

      <h3>Progress</h3>
      <dl className="facts progress-facts" data-testid="run-progress">
        <dt>Stage</dt>
        <dd>{run.progress.stage ?? NOT_KNOWN}</dd>
        {PROGRESS_FIELDS.map((f) => (
          <div key={f.key} className="fact" data-field={f.key}>
            <dt>{f.label}</dt>
            <dd>{formatCount(run.progress[f.key])}</dd>
          </div>
        ))}
        {extraProgress(run.progress).map(([key, value]) => (
          <div key={key} className="fact">
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>

      {run.status === 'running' && canCancel ? (
        <p>
          <button
            type="button"
            className="button-danger"
            onClick={cancel}
            disabled={cancelState.busy || run.cancelRequested}
          >
            {run.cancelRequested ? 'Cancel requested' : cancelState.busy ? 'Cancelling…' : 'Cancel run'}
          </button>
        </p>
      ) : null}
      {cancelState.message ? <p role="status">{cancelState.message}</p> : null}
      {cancelState.error ? (
        <p role="alert" className="form-error">
          {cancelState.error}
        </p>
      ) : null}

      {run.error ? (
        <div className="run-error" data-testid="run-error">
          <h3>Error{run.error.code ? ` (${run.error.code})` : ''}</h3>
          <p className="run-error-message">{run.error.message}</p>
          {run.error.stack ? (
            <details>
              <summary>Stack trace</summary>
              <pre>{run.error.stack}</pre>
            </details>
          ) : null}
        </div>
      ) : null}

      {run.results?.quality?.length ? (
        <>
          <h3>Data-quality checks</h3>
          <RunChecks checks={run.results.quality} />
        </>
      ) : null}

      {run.results?.reconcile?.length ? (
        <>
          <h3>Reconcile with the source</h3>
          <RunReconcile tables={run.results.reconcile} />
        </>
      ) : null}

      <h3>Log ({logs.length === 500 ? 'last 500 lines' : `${logs.length} lines`})</h3>
      {logs.length === 0 ? (
        <p className="muted">This run has written no log lines.</p>
      ) : (
        <ol className="run-log" data-testid="run-log">
          {logs.map((line, i) => (
            <li key={i} className={`log-${line.level}`}>
              <time dateTime={line.at}>{formatTime(line.at)}</time>{' '}
              <span className="log-level">{line.level}</span>{' '}
              <span className="log-message">{line.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
