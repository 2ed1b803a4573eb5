'use client';
// The schedules' audit list for admins: who created, edited, paused, resumed, deleted or ran which schedule, when,
// and what changed (before → after, only the fields that differ).

import type { ScheduleChangeView } from '../_lib/control-types';
import { formatTime } from '../_lib/format';

const ACTION_WORD: Record<string, string> = {
  create: 'created',
  edit: 'edited',
  pause: 'paused',
  resume: 'resumed',
  delete: 'deleted',
  'run-now': 'ran now',
};

/** The fields that differ, as `field: before → after` (a create or delete lists what the schedule was). */
export function describeChange(change: ScheduleChangeView): string[] {
  const { before, after } = change;
  if (!before && !after) return [];
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const show = (value: unknown) => (value === undefined || value === null ? '—' : String(value));
  return keys
    .filter((key) => !before || !after || before[key] !== after[key])
    .map((key) =>
      before && after
        ? `${key}: ${show(before[key])} → ${show(after[key])}`
        : `${key}: ${show((after ?? before)?.[key])}`,
    );
}

export function ScheduleChanges({
  changes,
  error,
}: {
  changes: ScheduleChangeView[] | undefined;
  error: Error | undefined;
}) {
  return (
    <section className="block" aria-labelledby="schedule-changes-title">
      <h2 id="schedule-changes-title">Changes</h2>
      {error ? (
        <p role="alert" className="form-error">
          Could not load the changes: {error.message}
        </p>
      ) : null}
      {changes === undefined ? (
        <p className="muted">Loading changes…</p>
      ) : changes.length === 0 ? (
        <p className="muted" data-testid="schedule-changes-empty">
          No admin has changed a schedule yet.
        </p>
      ) : (
        <table className="run-table" data-testid="schedule-changes">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Schedule</th>
              <th scope="col">What</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.id} data-action={change.action} data-change-schedule={change.schedule}>
                <td>{formatTime(change.at)}</td>
                <td data-field="actor">{change.actor}</td>
                <td>{change.schedule}</td>
                <td data-field="action">{ACTION_WORD[change.action] ?? change.action}</td>
                <td data-field="change" className="small">
                  {describeChange(change).join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
