'use client';
// One channel: where it sends, whether its secret is set where this app runs, and the admin's actions (send a
// test now, enable/disable, edit, delete).

import { api } from '../_lib/api-client';
import { FORMAT_OPTIONS, type ChannelView, type DeliveryView } from './alert-types';
import { CardControls } from './card-controls';
import { ChannelForm } from './channel-form';

export function ChannelCard({ channel, onChanged }: { channel: ChannelView; onChanged: () => void }) {
  const path = `/api/alerts/channels/${channel.id}`;
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
      <CardControls
        path={path}
        name={channel.name}
        enabled={channel.enabled}
        disabledNote="Disabled: no messages go here."
        deleteNote="Rules stop sending here; the history keeps what was sent."
        onChanged={onChanged}
        extra={(act, busy) => (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              act(async () => {
                const { delivery } = await api.post<{ delivery: DeliveryView }>(`${path}/test`);
                return delivery.status === 'sent'
                  ? { kind: 'ok', text: `Test message sent to ${channel.name}.` }
                  : { kind: 'error', text: `Test message not sent: ${delivery.error ?? 'unknown error'}` };
              })
            }
          >
            Send test
          </button>
        )}
        editForm={(onSaved) => <ChannelForm channel={channel} onSaved={onSaved} />}
      />
    </li>
  );
}
