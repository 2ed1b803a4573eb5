'use client';
// The alerts page for admins: channels, rules, open incidents and the history. The server checks the `alerts`
// permission on every call; the access notice is only a courtesy.

import { useState } from 'react';
import { AccessNotice } from '../_components/access-notice';
import { api } from '../_lib/api-client';
import { can, useCurrentUser } from '../_lib/use-current-user';
import { usePolling } from '../_lib/use-polling';
import { AlertHistory, OpenIncidents } from './alert-history';
import type { ChannelView, DeliveryView, IncidentView, RuleView } from './alert-types';
import { ChannelCard } from './channel-card';
import { ChannelForm } from './channel-form';
import { RuleCard } from './rule-card';
import { RuleForm } from './rule-form';
import './alerts.css';

// History grows when the worker sends; a slow refresh shows it without load.
const REFRESH_MS = 15_000;

interface AlertsData {
  channels: ChannelView[];
  rules: RuleView[];
  deliveries: DeliveryView[];
  incidents: IncidentView[];
}

async function loadAlerts(signal: AbortSignal): Promise<AlertsData> {
  const [c, r, h] = await Promise.all([
    api.get<{ channels: ChannelView[] }>('/api/alerts/channels', signal),
    api.get<{ rules: RuleView[] }>('/api/alerts/rules', signal),
    api.get<{ deliveries: DeliveryView[]; incidents: IncidentView[] }>('/api/alerts/history', signal),
  ]);
  return { channels: c.channels, rules: r.rules, deliveries: h.deliveries, incidents: h.incidents };
}

export function AlertsView() {
  const user = useCurrentUser();
  const allowed = can(user, 'alerts');
  // A create form stays busy after its success (use-form-submit): a new key gives a fresh, empty form.
  const [created, setCreated] = useState({ count: 0, text: '', where: '' });
  const data = usePolling(
    async (signal) => (allowed ? loadAlerts(signal) : undefined),
    allowed ? REFRESH_MS : null,
    [allowed],
  );
  if (!allowed) return <AccessNotice user={user} permission="alerts" next="/alerts" what="alerts" />;
  if (data.data === undefined) {
    return data.error ? (
      <p role="alert" className="form-error">
        Could not load alerts: {data.error.message}
      </p>
    ) : (
      <p className="muted">Loading alerts…</p>
    );
  }
  const { channels, rules, deliveries, incidents } = data.data;
  const onCreated = (where: string) => (text: string) => {
    setCreated((c) => ({ count: c.count + 1, text, where }));
    data.refresh();
  };
  const createdNote = (where: string) =>
    created.where === where ? (
      <p role="status" className="form-ok" data-testid={`created-${where}`}>
        {created.text}
      </p>
    ) : null;
  return (
    <>
      {data.error ? (
        <p role="alert" className="form-error">
          Could not refresh: {data.error.message}
        </p>
      ) : null}
      <section className="block" aria-labelledby="channels-title">
        <h2 id="channels-title">Channels</h2>
        {channels.length === 0 ? <p className="muted">No channels yet.</p> : null}
        <ul className="schedule-list" data-testid="channel-list">
          {channels.map((c) => (
            <ChannelCard key={c.id} channel={c} onChanged={data.refresh} />
          ))}
        </ul>
        <h3 className="form-title">New channel</h3>
        <ChannelForm key={`channel-${created.count}`} onSaved={onCreated('channel')} />
        {createdNote('channel')}
      </section>
      <section className="block" aria-labelledby="rules-title">
        <h2 id="rules-title">Rules</h2>
        {rules.length === 0 ? <p className="muted">No rules yet: nothing is sent until one exists.</p> : null}
        <ul className="schedule-list" data-testid="rule-list">
          {rules.map((r) => (
            <RuleCard key={r.id} rule={r} channels={channels} onChanged={data.refresh} />
          ))}
        </ul>
        <h3 className="form-title">New rule</h3>
        <RuleForm
          key={`rule-${created.count}-${channels.map((c) => c.id).join()}`}
          channels={channels}
          onSaved={onCreated('rule')}
        />
        {createdNote('rule')}
      </section>
      <section className="block" aria-labelledby="incidents-title">
        <h2 id="incidents-title">Open incidents</h2>
        <OpenIncidents incidents={incidents} />
      </section>
      <section className="block" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <AlertHistory deliveries={deliveries} />
      </section>
    </>
  );
}
