// AlertStore on MongoDB, in the control store's database. An incident's _id is its rule and subject, so
// opening one twice collides on _id (duplicate key 11000) and queues nothing the second time. Without a
// replica set there are no transactions: the incident is written first and its deliveries right after, so a
// crash in between loses that message rather than sending it twice.

import { randomUUID } from 'node:crypto';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { AlertStore } from './alert-store';
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

type ChannelDoc = Omit<AlertChannel, 'id'> & { _id: string };
type RuleDoc = Omit<AlertRule, 'id'> & { _id: string };
type IncidentDoc = Incident & { _id: string };
type DeliveryDoc = Omit<Delivery, 'id'> & { _id: string };

const clampLimit = (limit: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.floor(limit ?? fallback)));

const incidentId = (k: IncidentKey) => `${k.ruleId}\u0000${k.subject}`;

function withId<T extends { _id: string }>({ _id, ...rest }: T): Omit<T, '_id'> & { id: string } {
  return { id: _id, ...rest };
}

function channelFields(channel: NewChannel): NewChannel {
  return channel.type === 'webhook'
    ? {
        name: channel.name,
        enabled: channel.enabled,
        type: 'webhook',
        format: channel.format,
        urlEnv: channel.urlEnv,
      }
    : { name: channel.name, enabled: channel.enabled, type: 'email', to: channel.to };
}

function ruleFields(rule: NewRule): NewRule {
  const { name, kind, pipeline, table, minSeverity, channelIds, notifyRecovery, enabled } = rule;
  return { name, kind, pipeline, table, minSeverity, channelIds, notifyRecovery, enabled };
}

function toIncident({ ruleId, subject, kind, openedAt, title, link }: IncidentDoc): Incident {
  return { ruleId, subject, kind, openedAt, title, link };
}

export class MongoAlertStore implements AlertStore {
  constructor(private readonly db: Db) {}

  private get channels(): Collection<ChannelDoc> {
    return this.db.collection<ChannelDoc>('alert_channels');
  }
  private get rules(): Collection<RuleDoc> {
    return this.db.collection<RuleDoc>('alert_rules');
  }
  private get incidents(): Collection<IncidentDoc> {
    return this.db.collection<IncidentDoc>('alert_incidents');
  }
  private get deliveries(): Collection<DeliveryDoc> {
    return this.db.collection<DeliveryDoc>('alert_deliveries');
  }

  /** Indexes; called by MongoControlStore.init. */
  async init(): Promise<void> {
    await this.incidents.createIndex({ ruleId: 1 });
    await this.deliveries.createIndex({ createdAt: -1 });
    await this.deliveries.createIndex({ status: 1, createdAt: 1 });
  }

  async listChannels(): Promise<AlertChannel[]> {
    const docs = await this.channels.find().sort({ name: 1, _id: 1 }).toArray();
    return docs.map((d) => withId(d) as AlertChannel);
  }

  async getChannel(id: string): Promise<AlertChannel | null> {
    const doc = await this.channels.findOne({ _id: id });
    return doc ? (withId(doc) as AlertChannel) : null;
  }

  async createChannel(channel: NewChannel, now: Date): Promise<AlertChannel> {
    const doc = {
      _id: randomUUID(),
      ...channelFields(channel),
      createdAt: now,
      updatedAt: now,
    } as ChannelDoc;
    await this.channels.insertOne(doc);
    return withId(doc) as AlertChannel;
  }

  async updateChannel(id: string, channel: NewChannel, now: Date): Promise<AlertChannel | null> {
    const existing = await this.channels.findOne({ _id: id });
    if (!existing) return null;
    const doc = {
      _id: id,
      ...channelFields(channel),
      createdAt: existing.createdAt,
      updatedAt: now,
    } as ChannelDoc;
    const result = await this.channels.replaceOne({ _id: id }, doc);
    return result.matchedCount > 0 ? (withId(doc) as AlertChannel) : null;
  }

  async deleteChannel(id: string): Promise<boolean> {
    return (await this.channels.deleteOne({ _id: id })).deletedCount > 0;
  }

  async listRules(): Promise<AlertRule[]> {
    const docs = await this.rules.find().sort({ name: 1, _id: 1 }).toArray();
    return docs.map((d) => withId(d));
  }

  async getRule(id: string): Promise<AlertRule | null> {
    const doc = await this.rules.findOne({ _id: id });
    return doc ? withId(doc) : null;
  }

  async createRule(rule: NewRule, now: Date): Promise<AlertRule> {
    const doc: RuleDoc = { _id: randomUUID(), ...ruleFields(rule), createdAt: now, updatedAt: now };
    await this.rules.insertOne(doc);
    return withId(doc);
  }

  async updateRule(id: string, rule: NewRule, now: Date): Promise<AlertRule | null> {
    const doc = await this.rules.findOneAndUpdate(
      { _id: id },
      { $set: { ...ruleFields(rule), updatedAt: now } },
      { returnDocument: 'after' },
    );
    if (!doc) return null;
    await this.incidents.deleteMany({ ruleId: id, kind: { $ne: rule.kind } });
    return withId(doc);
  }

  async deleteRule(id: string): Promise<boolean> {
    const deleted = (await this.rules.deleteOne({ _id: id })).deletedCount > 0;
    await this.incidents.deleteMany({ ruleId: id });
    return deleted;
  }

  async listOpenIncidents(): Promise<Incident[]> {
    const docs = await this.incidents.find().sort({ openedAt: 1, subject: 1 }).toArray();
    return docs.map(toIncident);
  }

  async openIncident(incident: Incident, deliveries: NewDelivery[]): Promise<boolean> {
    if (!(await this.rules.findOne({ _id: incident.ruleId }))) return false;
    try {
      await this.incidents.insertOne({ _id: incidentId(incident), ...toIncident(incident as IncidentDoc) });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
    await this.addDeliveries(deliveries);
    return true;
  }

  async closeIncident(key: IncidentKey, deliveries: NewDelivery[]): Promise<boolean> {
    const result = await this.incidents.deleteOne({ _id: incidentId(key) });
    if (result.deletedCount === 0) return false;
    await this.addDeliveries(deliveries);
    return true;
  }

  async addDeliveries(deliveries: NewDelivery[]): Promise<Delivery[]> {
    const docs: DeliveryDoc[] = deliveries.map((d) => ({
      _id: randomUUID(),
      ruleId: d.ruleId,
      channelId: d.channelId,
      channelName: d.channelName,
      message: d.message,
      createdAt: d.createdAt,
      status: d.status ?? 'pending',
      attempts: d.attempts ?? 0,
      lastAttemptAt: d.lastAttemptAt ?? null,
      sentAt: d.sentAt ?? null,
      error: d.error ?? null,
    }));
    if (docs.length > 0) await this.deliveries.insertMany(docs);
    return docs.map((d) => withId(d));
  }

  async listUnsentDeliveries(limit?: number): Promise<Delivery[]> {
    const docs = await this.deliveries
      .find({ status: { $in: ['pending', 'retrying'] } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(clampLimit(limit, 100, 1000))
      .toArray();
    return docs.map((d) => withId(d));
  }

  async recordAttempt(id: string, attempt: DeliveryAttempt): Promise<void> {
    const status = attempt.ok ? 'sent' : attempt.final ? 'failed' : 'retrying';
    await this.deliveries.updateOne(
      { _id: id },
      {
        $set: {
          status,
          lastAttemptAt: attempt.at,
          error: attempt.ok ? null : (attempt.error ?? 'unknown error'),
          ...(attempt.ok ? { sentAt: attempt.at } : {}),
        },
        $inc: { attempts: 1 },
      },
    );
  }

  async listDeliveries(query: { limit?: number } = {}): Promise<Delivery[]> {
    const docs = await this.deliveries
      .find()
      .sort({ createdAt: -1, _id: 1 })
      .limit(clampLimit(query.limit, 100, 500))
      .toArray();
    return docs.map((d) => withId(d));
  }
}
