'use client';
// Change a schedule's cron expression or time zone; the server's validation message is shown here, and
// the fields keep what was typed so it can be fixed.

import { useState, type FormEvent } from 'react';
import { api, ApiClientError } from '../_lib/api-client';
import type { ScheduleItem } from '../_lib/control-types';

export function EditScheduleForm({
  schedule,
  onSaved,
}: {
  schedule: ScheduleItem;
  onSaved: (message: string) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = `edit-${schedule.name}-error`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const { schedule: saved } = await api.patch<{ schedule: ScheduleItem }>(
        `/api/schedules/${encodeURIComponent(schedule.name)}`,
        { cron: String(form.get('cron') ?? ''), timezone: String(form.get('timezone') ?? '') },
      );
      onSaved(`Saved: ${saved.description} (${saved.timezone}).`);
    } catch (e) {
      setError(e instanceof ApiClientError ? e.message : String(e));
      setBusy(false);
    }
  }

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
