'use client';
// One schedule: what it runs and when, its next five runs in its own time zone, its last run, and the
// actions the viewer may take. Every answer from the server, refusals included, is shown on the card.

import Link from 'next/link';
import { useState } from 'react';
import { StatusBadge } from '../_components/status-badge';
import { api, ApiClientError } from '../_lib/api-client';
import type { ScheduleItem } from '../_lib/control-types';
import { formatTime, formatTimeIn } from '../_lib/format';
import { EditScheduleForm } from './edit-schedule-form';

type Feedback = { kind: 'ok' | 'error'; text: string } | null;

export function ScheduleCard({
  schedule,
  canWrite,
  canRun,
  onChanged,
}: {
  schedule: ScheduleItem;
  canWrite: boolean;
  canRun: boolean;
  onChanged: () => void;
}) {
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const path = `/api/schedules/${encodeURIComponent(schedule.name)}`;

  async function act(work: () => Promise<string>) {
    setBusy(true);
    setFeedback(null);
    try {
      setFeedback({ kind: 'ok', text: await work() });
      onChanged();
    } catch (e) {
      setFeedback({ kind: 'error', text: e instanceof ApiClientError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }

  const setPaused = (paused: boolean) =>
    act(async () => {
      await api.patch(path, { paused });
      return paused ? 'Paused: the worker will not start it until resumed.' : 'Resumed.';
    });
  const runNow = () =>
    act(async () => {
      const answer = await api.post<{ target: string }>(`${path}/run`);
      return `Run of ${answer.target} queued; the worker starts it within seconds (see Pipelines).`;
    });
  const remove = () =>
    act(async () => {
      await api.delete(path);
      setConfirmingDelete(false);
      return `Deleted ${schedule.name}.`;
    });

  return (
    <li className="schedule-card" data-schedule={schedule.name}>
      <div className="schedule-head">
        <h2>{schedule.name}</h2>
        {schedule.paused ? <span className="badge badge-pending">Paused</span> : null}
        {schedule.activeRunId ? (
          <Link href={`/pipelines?run=${schedule.activeRunId}`} className="run-status run-status-run">
            Running now
          </Link>
        ) : null}
      </div>
      <dl className="facts">
        <dt>Job</dt>
        <dd>
          {schedule.jobType} on <strong>{schedule.target}</strong>
        </dd>
        <dt>When</dt>
        <dd>
          <code data-testid="cron">{schedule.cron}</code> ·{' '}
          <span data-testid="cron-description">{schedule.description}</span> · {schedule.timezone}
        </dd>
        <dt>Next runs</dt>
        <dd>
          {schedule.paused ? (
            'none while paused'
          ) : schedule.nextRuns.length === 0 ? (
            'none'
          ) : (
            <ol className="next-runs" data-testid="next-runs">
              {schedule.nextRuns.map((at) => (
                <li key={at}>
                  <time dateTime={at}>{formatTimeIn(at, schedule.timezone)}</time>
                </li>
              ))}
            </ol>
          )}
        </dd>
        <dt>Last run</dt>
        <dd data-testid="last-run">
          {schedule.lastRun ? (
            <>
              <StatusBadge status={schedule.lastRun.status} />{' '}
              <Link href={`/pipelines?run=${schedule.lastRun.id}`}>
                {formatTime(schedule.lastRun.startedAt)}
              </Link>{' '}
              ({schedule.lastRun.trigger})
              {schedule.lastRun.error ? (
                <span className="form-error"> {schedule.lastRun.error.message}</span>
              ) : null}
            </>
          ) : (
            'never run'
          )}
        </dd>
      </dl>

      {canWrite || canRun ? (
        <div className="actions">
          {canRun ? (
            <button type="button" onClick={runNow} disabled={busy}>
              Run now
            </button>
          ) : null}
          {canWrite ? (
            <>
              <button type="button" onClick={() => setPaused(!schedule.paused)} disabled={busy}>
                {schedule.paused ? 'Resume' : 'Pause'}
              </button>
              <button
                type="button"
                onClick={() => setEditing(!editing)}
                aria-expanded={editing}
                disabled={busy}
              >
                Edit
              </button>
              <button
                type="button"
                className="button-danger"
                onClick={() => setConfirmingDelete(true)}
                disabled={busy}
              >
                Delete
              </button>
            </>
          ) : null}
        </div>
      ) : null}

      {confirmingDelete ? (
        <div className="confirm" role="group" aria-label={`Confirm deleting ${schedule.name}`}>
          <p>
            Delete <strong>{schedule.name}</strong>? The worker stops running it; past runs stay in the
            history.
          </p>
          <button type="button" className="button-danger" onClick={remove} disabled={busy}>
            Delete {schedule.name}
          </button>{' '}
          <button type="button" onClick={() => setConfirmingDelete(false)} disabled={busy}>
            Keep it
          </button>
        </div>
      ) : null}
      {editing ? (
        <EditScheduleForm
          schedule={schedule}
          onSaved={(text) => {
            setEditing(false);
            setFeedback({ kind: 'ok', text });
            onChanged();
          }}
        />
      ) : null}
      {feedback ? (
        <p
          role={feedback.kind === 'error' ? 'alert' : 'status'}
          className={feedback.kind === 'error' ? 'form-error' : 'form-ok'}
          data-testid="schedule-feedback"
        >
          {feedback.text}
        </p>
      ) : null}
    </li>
  );
}
