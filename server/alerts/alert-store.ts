// The alerts' part of the control store (ControlStore.alerts): PostgreSQL and MongoDB implement it and
// test/alerts/alert-store-contract.ts holds both to the same behaviour. Opening and closing an incident writes
// its deliveries in the same step, so a restart can neither lose a message nor send one twice.

import type {
  AlertChannel,
  AlertRule,
  Delivery,
  DeliveryAttempt,
  Incident,
  IncidentKey,
  NewChannel,
  NewDelivery,
  NewRule,
} from './types';

export interface AlertStore {
  listChannels(): Promise<AlertChannel[]>;
  getChannel(id: string): Promise<AlertChannel | null>;
  createChannel(channel: NewChannel, now: Date): Promise<AlertChannel>;
  /** Replaces the channel's fields; null when there is no such channel. */
  updateChannel(id: string, channel: NewChannel, now: Date): Promise<AlertChannel | null>;
  deleteChannel(id: string): Promise<boolean>;

  listRules(): Promise<AlertRule[]>;
  getRule(id: string): Promise<AlertRule | null>;
  createRule(rule: NewRule, now: Date): Promise<AlertRule>;
  updateRule(id: string, rule: NewRule, now: Date): Promise<AlertRule | null>;
  /** Deletes the rule and its open incidents (no recovery message: nobody watches it any more). */
  deleteRule(id: string): Promise<boolean>;

  listOpenIncidents(): Promise<Incident[]>;
  /** Opens the incident and queues its deliveries; false (and nothing queued) when it was already open. */
  openIncident(incident: Incident, deliveries: NewDelivery[]): Promise<boolean>;
  /** Closes the incident and queues its deliveries; false (and nothing queued) when it was not open. */
  closeIncident(key: IncidentKey, deliveries: NewDelivery[]): Promise<boolean>;

  /** Records deliveries made outside an incident ("send test"), usually already attempted. */
  addDeliveries(deliveries: NewDelivery[]): Promise<Delivery[]>;
  /** Deliveries still to send (pending or retrying), oldest first. */
  listUnsentDeliveries(limit?: number): Promise<Delivery[]>;
  recordAttempt(id: string, attempt: DeliveryAttempt): Promise<void>;
  /** The alert history, newest first (default 100, at most 500). */
  listDeliveries(query?: { limit?: number }): Promise<Delivery[]>;
}
