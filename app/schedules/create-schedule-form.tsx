'use client';
// Create a schedule. The server validates the cron expression and time zone with the parser Agenda uses,
// so its message is shown as it is, beside the form, and what was typed stays for the fix.

import { useState, type FormEvent } from 'react';
import { api, ApiClientError } from '../_lib/api-client';
import { JOB_TYPE_OPTIONS } from '../_lib/control-types';

export function CreateScheduleForm({ onCreated }: { onCreated: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const timezone = String(form.get('timezone') ?? '').trim();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const { schedule } = await api.post<{ schedule: { name: string; description: string } }>(
        '/api/schedules',
        {
          name: String(form.get('name') ?? '').trim(),
          jobType: form.get('jobType'),
          target: String(form.get('target') ?? '').trim(),
          cron: String(form.get('cron') ?? ''),
          ...(timezone ? { timezone } : {}),
          paused: form.get('paused') === 'on',
        },
      );
      formElement.reset();
      setCreated(`Created ${schedule.name}: ${schedule.description}.`);
      onCreated();
    } catch (e) {
      setError(e instanceof ApiClientError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="block" aria-labelledby="create-schedule-title">
      <h2 id="create-schedule-title">New schedule</h2>
      <form
        className="schedule-form"
        onSubmit={submit}
        aria-describedby={error ? 'create-schedule-error' : undefined}
        data-testid="create-schedule"
      >
        <label>
          Name
          <input name="name" required placeholder="permits-hourly" />
        </label>
        <label>
          Job
          <select name="jobType" defaultValue="pipeline.run">
            {JOB_TYPE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Target (pipeline or table)
          <input name="target" required placeholder="county-ops" />
        </label>
        <label>
          Cron (minute hour day month weekday)
          <input name="cron" required defaultValue="0 * * * *" className="mono" />
        </label>
        <label>
          Time zone
          <input name="timezone" placeholder="server default" />
        </label>
        <label className="checkbox">
          <input type="checkbox" name="paused" /> Start paused
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create schedule'}
        </button>
      </form>
      {error ? (
        <p id="create-schedule-error" role="alert" className="form-error" data-testid="create-error">
          {error}
        </p>
      ) : null}
      {created ? <p role="status">{created}</p> : null}
    </section>
  );
}
