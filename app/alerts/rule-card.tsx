'use client';
// One rule: its condition, scope and channels, and the admin's actions (enable/disable, edit, delete).

import { kindLabel, type ChannelView, type RuleView } from './alert-types';
import { CardControls } from './card-controls';
import { RuleForm } from './rule-form';

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
  const names = rule.channelIds.map((id) => channels.find((c) => c.id === id)?.name ?? '(deleted channel)');
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
      <CardControls
        path={`/api/alerts/rules/${rule.id}`}
        name={rule.name}
        enabled={rule.enabled}
        disabledNote="Disabled: its open incidents close without a message."
        deleteNote="Its open incidents close without a message."
        onChanged={onChanged}
        editForm={(onSaved) => <RuleForm rule={rule} channels={channels} onSaved={onSaved} />}
      />
    </li>
  );
}
