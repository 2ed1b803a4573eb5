'use client';
// Create or edit a channel. A webhook takes the NAME of an ALERT_* environment variable holding its URL (set it
// where the web and worker processes run); e-mail takes addresses and uses the ALERT_SMTP_* settings.

import { useState } from 'react';
import { api } from '../_lib/api-client';
import { useFormSubmit } from '../_lib/use-form-submit';
import { FORMAT_OPTIONS, type ChannelView } from './alert-types';

export function ChannelForm({
  channel,
  onSaved,
}: {
  channel?: ChannelView;
  onSaved: (text: string) => void;
}) {
  const [type, setType] = useState<'webhook' | 'email'>(channel?.type ?? 'webhook');
  const { error, busy, submit } = useFormSubmit(
    async (form) => {
      const name = String(form.get('name') ?? '').trim();
      const body =
        type === 'webhook'
          ? { type, name, format: form.get('format'), urlEnv: String(form.get('urlEnv') ?? '').trim() }
          : {
              type,
              name,
              to: String(form.get('to') ?? '')
                .split(/[,\s]+/)
                .filter(Boolean),
            };
      if (channel) await api.patch(`/api/alerts/channels/${channel.id}`, body);
      else await api.post('/api/alerts/channels', body);
      onSaved(channel ? `Saved ${name}.` : `Created ${name}.`);
    },
    (e) => String(e),
  );
  const id = channel ? `channel-${channel.id}` : 'new-channel';
  return (
    <form
      className="schedule-form"
      onSubmit={submit}
      data-testid={channel ? 'edit-channel' : 'create-channel'}
    >
      <label>
        Name
        <input name="name" required defaultValue={channel?.name} placeholder="ops-slack" />
      </label>
      <label>
        Type
        <select name="type" value={type} onChange={(e) => setType(e.target.value as 'webhook' | 'email')}>
          <option value="webhook">Webhook</option>
          <option value="email">E-mail (SMTP)</option>
        </select>
      </label>
      {type === 'webhook' ? (
        <>
          <label>
            Format
            <select name="format" defaultValue={channel?.type === 'webhook' ? channel.format : 'json'}>
              {FORMAT_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            URL variable (environment variable holding the webhook URL)
            <input
              name="urlEnv"
              required
              className="mono"
              defaultValue={channel?.type === 'webhook' ? channel.urlEnv : ''}
              placeholder="ALERT_WEBHOOK_OPS"
              aria-describedby={`${id}-secret-note`}
            />
          </label>
          <p id={`${id}-secret-note`} className="muted">
            The URL is a secret: it is read from this variable in the web and worker processes and never
            stored.
          </p>
        </>
      ) : (
        <label>
          To (addresses, comma-separated)
          <input
            name="to"
            required
            defaultValue={channel?.type === 'email' ? channel.to.join(', ') : ''}
            placeholder="data-team@county.example"
          />
        </label>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : channel ? 'Save channel' : 'Create channel'}
      </button>
      {error ? (
        <p role="alert" className="form-error" data-testid="channel-form-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
