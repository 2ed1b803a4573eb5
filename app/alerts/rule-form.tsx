'use client';
// Create or edit a rule: which condition, optionally which pipeline or table, which channels, and whether a
// recovery message follows when the condition clears.

import { useState } from 'react';
import { api } from '../_lib/api-client';
import { useFormSubmit } from '../_lib/use-form-submit';
import { RULE_KIND_OPTIONS, type ChannelView, type RuleView } from './alert-types';

export function RuleForm({
  rule,
  channels,
  onSaved,
}: {
  rule?: RuleView;
  channels: ChannelView[];
  onSaved: (text: string) => void;
}) {
  const [kind, setKind] = useState<string>(rule?.kind ?? 'run-failed');
  const { error, busy, submit } = useFormSubmit(
    async (form) => {
      const name = String(form.get('name') ?? '').trim();
      const body = {
        name,
        kind,
        pipeline: String(form.get('pipeline') ?? '').trim() || null,
        table: String(form.get('table') ?? '').trim() || null,
        minSeverity: form.get('minSeverity') === 'warn' ? 'warn' : 'error',
        channelIds: form.getAll('channelIds').map(String),
        notifyRecovery: form.get('notifyRecovery') === 'on',
      };
      if (rule) await api.patch(`/api/alerts/rules/${rule.id}`, body);
      else await api.post('/api/alerts/rules', body);
      onSaved(rule ? `Saved ${name}.` : `Created ${name}.`);
    },
    (e) => String(e),
  );
  const runRule = kind === 'run-failed' || kind === 'check-failed';
  return (
    <form className="schedule-form" onSubmit={submit} data-testid={rule ? 'edit-rule' : 'create-rule'}>
      <label>
        Name
        <input name="name" required defaultValue={rule?.name} placeholder="failed runs" />
      </label>
      <label>
        Condition
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {RULE_KIND_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {runRule ? (
        <label>
          Pipeline (empty = every pipeline)
          <input name="pipeline" defaultValue={rule?.pipeline ?? ''} placeholder="county-ops" />
        </label>
      ) : null}
      {kind !== 'run-failed' ? (
        <label>
          Table (empty = every table)
          <input name="table" defaultValue={rule?.table ?? ''} placeholder="permits" />
        </label>
      ) : null}
      {kind === 'check-failed' ? (
        <label>
          Severity
          <select name="minSeverity" defaultValue={rule?.minSeverity ?? 'error'}>
            <option value="error">Errors only</option>
            <option value="warn">Errors and warnings</option>
          </select>
        </label>
      ) : null}
      <fieldset>
        <legend>Send to</legend>
        {channels.length === 0 ? <p className="muted">No channels yet: create one first.</p> : null}
        {channels.map((c) => (
          <label key={c.id} className="checkbox">
            <input
              type="checkbox"
              name="channelIds"
              value={c.id}
              defaultChecked={rule?.channelIds.includes(c.id)}
            />{' '}
            {c.name}
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" name="notifyRecovery" defaultChecked={rule?.notifyRecovery ?? true} /> Also
        tell when it recovers
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : rule ? 'Save rule' : 'Create rule'}
      </button>
      {error ? (
        <p role="alert" className="form-error" data-testid="rule-form-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
