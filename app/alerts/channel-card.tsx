'use client';
// One channel: where it sends, whether its secret is set where this app runs, and the admin's actions (send a
// test now, enable/disable, edit, delete).

import { useState } from 'react';
import { api } from '../_lib/api-client';
import { FORMAT_OPTIONS, type ChannelView, type DeliveryView } from './alert-types';
import { ConfirmDelete, FeedbackLine } from './card-parts';
import { ChannelForm } from './channel-form';
import { useCardActions } from './use-card-actions';

export function ChannelCard({ channel, onChanged }: { channel: ChannelView; onChanged: () => void }) {
  const { feedback, setFeedback, busy, act } = useCardActions(onChanged);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const path = `/api/alerts/channels/${channel.id}`;

  const sendTest = () =>
    act(async () => {
      const { delivery } = await api.post<{ delivery: DeliveryView }>(`${path}/test`);
      return delivery.status === 'sent'
        ? { kind: 'ok', text: `Test message sent to ${channel.name}.` }
        : { kind: 'error', text: `Test message not sent: ${delivery.error ?? 'unknown error'}` };
    });
  const toggle = () =>
    act(async () => {
      await api.patch(path, { enabled: !channel.enabled });
      return { kind: 'ok', text: channel.enabled ? 'Disabled: no messages go here.' : 'Enabled.' };
    });
  const remove = () =>
    act(async () => {
      await api.delete(path);
      setConfirming(false);
      return { kind: 'ok', text: `Deleted ${channel.name}.` };
    });

  return (
    <li className="schedule-card" data-channel={channel.name}>
      <div className="schedule-head">
        <h3>{channel.name}</h3>
        {channel.enabled ? null : <span className="badge badge-pending">Disabled</span>}
        {channel.ready ? null : (
          <span className="run-status run-status-bad" data-testid="channel-problem">
            {channel.problem}
          </span>
        )}
      </div>
      <dl className="facts">
        <dt>Sends</dt>
        <dd data-testid="channel-target">
          {channel.type === 'webhook' ? (
            <>
              {FORMAT_OPTIONS.find((o) => o.value === channel.format)?.label ?? channel.format} to the URL in{' '}
              <code>{channel.urlEnv}</code>
            </>
          ) : (
            <>E-mail to {channel.to.join(', ')}</>
          )}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={sendTest} disabled={busy}>
          Send test
        </button>
        <button type="button" onClick={toggle} disabled={busy}>
          {channel.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing} disabled={busy}>
          Edit
        </button>
        <button type="button" className="button-danger" onClick={() => setConfirming(true)} disabled={busy}>
          Delete
        </button>
      </div>
      {confirming ? (
        <ConfirmDelete
          name={channel.name}
          what="Rules stop sending here; the history keeps what was sent."
          busy={busy}
          onDelete={remove}
          onKeep={() => setConfirming(false)}
        />
      ) : null}
      {editing ? (
        <ChannelForm
          channel={channel}
          onSaved={(text) => {
            setEditing(false);
            setFeedback({ kind: 'ok', text });
            onChanged();
          }}
        />
      ) : null}
      <FeedbackLine feedback={feedback} />
    </li>
  );
}
