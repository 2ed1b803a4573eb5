'use client';
// Change a schedule's cron expression or time zone; the server's validation message is shown here, and
// the fields keep what was typed so it can be fixed.

import { api } from '../_lib/api-client';
import type { ScheduleItem } from '../_lib/control-types';
import { useFormSubmit } from '../_lib/use-form-submit';

export function EditScheduleForm({
  schedule,
  onSaved,
}: {
  schedule: ScheduleItem;
  onSaved: (message: string) => void;
}) {
  const errorId = `edit-${schedule.name}-error`;
  const { error, busy, submit } = useFormSubmit(async (form) => {
    const { schedule: saved } = await api.patch<{ schedule: ScheduleItem }>(
      `/api/schedules/${encodeURIComponent(schedule.name)}`,
      { cron: String(form.get('cron') ?? ''), timezone: String(form.get('timezone') ?? '') },
    );
    onSaved(`Saved: ${saved.description} (${saved.timezone}).`);
  }, String);

  return (
    <form className="schedule-form" onSubmit={submit} aria-describedby={error ? errorId : undefined}>
      <label>
        Cron
        <input name="cron" required defaultValue={schedule.cron} className="mono" />
      </label>
      <label>
        Time zone
        <input name="timezone" required defaultValue={schedule.timezone} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      {error ? (
        <p id={errorId} role="alert" className="form-error" data-testid="edit-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
