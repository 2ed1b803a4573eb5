'use client';
// One rule: its condition, scope and channels, and the admin's actions (enable/disable, edit, delete).

import { useState } from 'react';
import { api } from '../_lib/api-client';
import { kindLabel, type ChannelView, type RuleView } from './alert-types';
import { ConfirmDelete, FeedbackLine } from './card-parts';
import { RuleForm } from './rule-form';
import { useCardActions } from './use-card-actions';

function scopeOf(rule: RuleView): string {
  const parts = [
    rule.pipeline ? `pipeline ${rule.pipeline}` : null,
    rule.table ? `table ${rule.table}` : null,
    rule.kind === 'check-failed'
      ? rule.minSeverity === 'warn'
        ? 'errors and warnings'
        : 'errors only'
      : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'everything';
}

export function RuleCard({
  rule,
  channels,
  onChanged,
}: {
  rule: RuleView;
  channels: ChannelView[];
  onChanged: () => void;
}) {
  const { feedback, setFeedback, busy, act } = useCardActions(onChanged);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const path = `/api/alerts/rules/${rule.id}`;
  const names = rule.channelIds.map((id) => channels.find((c) => c.id === id)?.name ?? '(deleted channel)');

  const toggle = () =>
    act(async () => {
      await api.patch(path, { enabled: !rule.enabled });
      return {
        kind: 'ok',
        text: rule.enabled ? 'Disabled: its open incidents close without a message.' : 'Enabled.',
      };
    });
  const remove = () =>
    act(async () => {
      await api.delete(path);
      setConfirming(false);
      return { kind: 'ok', text: `Deleted ${rule.name}.` };
    });

  return (
    <li className="schedule-card" data-rule={rule.name}>
      <div className="schedule-head">
        <h3>{rule.name}</h3>
        {rule.enabled ? null : <span className="badge badge-pending">Disabled</span>}
      </div>
      <dl className="facts">
        <dt>Condition</dt>
        <dd data-testid="rule-kind">{kindLabel(rule.kind)}</dd>
        <dt>Scope</dt>
        <dd>{scopeOf(rule)}</dd>
        <dt>Send to</dt>
        <dd data-testid="rule-channels">
          {names.length > 0 ? names.join(', ') : 'no channel (incidents are tracked, nothing is sent)'}
          {rule.notifyRecovery ? ', with a recovery message' : ''}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={toggle} disabled={busy}>
          {rule.enabled ? 'Disable' : 'Enable'}
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
          name={rule.name}
          what="Its open incidents close without a message."
          busy={busy}
          onDelete={remove}
          onKeep={() => setConfirming(false)}
        />
      ) : null}
      {editing ? (
        <RuleForm
          rule={rule}
          channels={channels}
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
