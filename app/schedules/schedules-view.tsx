'use client';
// The schedule list for whoever may read it, with the admin actions for whoever may write. The server
// checks every permission again; hiding a button is only a courtesy.

import { AccessNotice } from '../_components/access-notice';
import { api } from '../_lib/api-client';
import type { ScheduleChangeView, ScheduleItem } from '../_lib/control-types';
import { can, useCurrentUser } from '../_lib/use-current-user';
import { usePolling } from '../_lib/use-polling';
import { CreateScheduleForm } from './create-schedule-form';
import { ScheduleCard } from './schedule-card';
import { ScheduleChanges } from './schedule-changes';

// Next runs and last-run status move on their own; a slow refresh keeps them honest without load.
const REFRESH_MS = 15_000;

export function SchedulesView() {
  const user = useCurrentUser();
  const allowed = can(user, 'schedules:read');
  const schedules = usePolling(
    async (signal) =>
      allowed
        ? (await api.get<{ schedules: ScheduleItem[] }>('/api/schedules', signal)).schedules
        : undefined,
    allowed ? REFRESH_MS : null,
    [allowed],
  );
  // The audit list names who changed what: admins only (the server says so too).
  const canAudit = can(user, 'schedules:write');
  const changes = usePolling(
    async (signal) =>
      canAudit
        ? (await api.get<{ changes: ScheduleChangeView[] }>('/api/schedule-changes?limit=50', signal)).changes
        : undefined,
    canAudit ? REFRESH_MS : null,
    [canAudit],
  );
  const refreshAll = () => {
    schedules.refresh();
    changes.refresh();
  };
  if (!allowed) {
    return <AccessNotice user={user} permission="schedules:read" next="/schedules" what="schedules" />;
  }
  const canWrite = can(user, 'schedules:write');
  const canRun = can(user, 'runs:write');

  return (
    <>
      {schedules.error ? (
        <p role="alert" className="form-error">
          Could not load schedules: {schedules.error.message}
        </p>
      ) : null}
      {schedules.data === undefined ? (
        <p className="muted">Loading schedules…</p>
      ) : schedules.data.length === 0 ? (
        <section className="notice" data-testid="schedules-empty">
          <p className="notice-label">No schedules yet</p>
          <p>
            The worker creates one hourly schedule per pipeline definition when it first starts
            {canWrite ? '; you can also create one below.' : '.'}
          </p>
        </section>
      ) : (
        <ul className="schedule-list" data-testid="schedule-list">
          {schedules.data.map((schedule) => (
            <ScheduleCard
              key={schedule.name}
              schedule={schedule}
              canWrite={canWrite}
              canRun={canRun}
              onChanged={refreshAll}
            />
          ))}
        </ul>
      )}
      {canWrite ? <CreateScheduleForm onCreated={refreshAll} /> : null}
      {canAudit ? <ScheduleChanges changes={changes.data} error={changes.error} /> : null}
    </>
  );
}
