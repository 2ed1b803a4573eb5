// AlertStore on PostgreSQL, sharing the control store's pool. Opening an incident is INSERT … ON CONFLICT DO
// NOTHING and its deliveries go in the same transaction, so of two evaluations racing only one sends.

import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { logCleanupFailure } from '@/pipelines/support/cleanup';
import type { AlertStore } from './alert-store';
import type {
  AlertChannel,
  AlertMessage,
  AlertRule,
  ChannelConfig,
  Delivery,
  DeliveryAttempt,
  Incident,
  IncidentKey,
  NewChannel,
  NewDelivery,
  NewRule,
} from './types';

type Row = Record<string, unknown>;

const clampLimit = (limit: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.floor(limit ?? fallback)));

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function toChannel(r: Row): AlertChannel {
  return {
    id: r.id as string,
    name: r.name as string,
    enabled: r.enabled as boolean,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    ...(r.config as ChannelConfig),
  };
}

function channelConfig(channel: NewChannel): ChannelConfig {
  return channel.type === 'webhook'
    ? { type: 'webhook', format: channel.format, urlEnv: channel.urlEnv }
    : { type: 'email', to: channel.to };
}

type RuleConfig = Pick<AlertRule, 'pipeline' | 'table' | 'minSeverity' | 'channelIds' | 'notifyRecovery'>;

function toRule(r: Row): AlertRule {
  const config = r.config as RuleConfig;
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as AlertRule['kind'],
    enabled: r.enabled as boolean,
    pipeline: config.pipeline ?? null,
    table: config.table ?? null,
    minSeverity: config.minSeverity ?? 'error',
    channelIds: config.channelIds ?? [],
    notifyRecovery: config.notifyRecovery ?? true,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

const ruleConfig = (rule: NewRule): RuleConfig => ({
  pipeline: rule.pipeline,
  table: rule.table,
  minSeverity: rule.minSeverity,
  channelIds: rule.channelIds,
  notifyRecovery: rule.notifyRecovery,
});

function toIncident(r: Row): Incident {
  return {
    ruleId: r.rule_id as string,
    subject: r.subject as string,
    kind: r.kind as Incident['kind'],
    openedAt: r.opened_at as Date,
    title: r.title as string,
    link: r.link as string,
  };
}

function toDelivery(r: Row): Delivery {
  return {
    id: r.id as string,
    ruleId: (r.rule_id as string | null) ?? null,
    channelId: r.channel_id as string,
    channelName: r.channel_name as string,
    message: r.message as AlertMessage,
    createdAt: r.created_at as Date,
    status: r.status as Delivery['status'],
    attempts: r.attempts as number,
    lastAttemptAt: (r.last_attempt_at as Date | null) ?? null,
    sentAt: (r.sent_at as Date | null) ?? null,
    error: (r.error as string | null) ?? null,
  };
}

export class PostgresAlertStore implements AlertStore {
  constructor(private readonly pool: pg.Pool) {}

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(logCleanupFailure("client.query('ROLLBACK')"));
      throw error;
    } finally {
      client.release();
    }
  }

  async listChannels(): Promise<AlertChannel[]> {
    const { rows } = await this.pool.query('SELECT * FROM alert_channels ORDER BY name, id');
    return rows.map((r: Row) => toChannel(r));
  }

  async getChannel(id: string): Promise<AlertChannel | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query('SELECT * FROM alert_channels WHERE id = $1', [id]);
    return rows[0] ? toChannel(rows[0] as Row) : null;
  }

  async createChannel(channel: NewChannel, now: Date): Promise<AlertChannel> {
    const { rows } = await this.pool.query(
      `INSERT INTO alert_channels (id, name, type, enabled, config, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [
        randomUUID(),
        channel.name,
        channel.type,
        channel.enabled,
        JSON.stringify(channelConfig(channel)),
        now,
      ],
    );
    return toChannel(rows[0] as Row);
  }

  async updateChannel(id: string, channel: NewChannel, now: Date): Promise<AlertChannel | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(
      `UPDATE alert_channels SET name = $2, type = $3, enabled = $4, config = $5, updated_at = $6
       WHERE id = $1 RETURNING *`,
      [id, channel.name, channel.type, channel.enabled, JSON.stringify(channelConfig(channel)), now],
    );
    return rows[0] ? toChannel(rows[0] as Row) : null;
  }

  async deleteChannel(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rowCount } = await this.pool.query('DELETE FROM alert_channels WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async listRules(): Promise<AlertRule[]> {
    const { rows } = await this.pool.query('SELECT * FROM alert_rules ORDER BY name, id');
    return rows.map((r: Row) => toRule(r));
  }

  async getRule(id: string): Promise<AlertRule | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query('SELECT * FROM alert_rules WHERE id = $1', [id]);
    return rows[0] ? toRule(rows[0] as Row) : null;
  }

  async createRule(rule: NewRule, now: Date): Promise<AlertRule> {
    const { rows } = await this.pool.query(
      `INSERT INTO alert_rules (id, name, kind, enabled, config, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [randomUUID(), rule.name, rule.kind, rule.enabled, JSON.stringify(ruleConfig(rule)), now],
    );
    return toRule(rows[0] as Row);
  }

  async updateRule(id: string, rule: NewRule, now: Date): Promise<AlertRule | null> {
    if (!isUuid(id)) return null;
    return this.inTransaction(async (client) => {
      const { rows } = await client.query(
        `UPDATE alert_rules SET name = $2, kind = $3, enabled = $4, config = $5, updated_at = $6
         WHERE id = $1 RETURNING *`,
        [id, rule.name, rule.kind, rule.enabled, JSON.stringify(ruleConfig(rule)), now],
      );
      // A rule that now watches another kind of condition starts over.
      await client.query('DELETE FROM alert_incidents WHERE rule_id = $1 AND kind <> $2', [id, rule.kind]);
      return rows[0] ? toRule(rows[0] as Row) : null;
    });
  }

  async deleteRule(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rowCount } = await this.pool.query('DELETE FROM alert_rules WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async listOpenIncidents(): Promise<Incident[]> {
    const { rows } = await this.pool.query('SELECT * FROM alert_incidents ORDER BY opened_at, subject');
    return rows.map((r: Row) => toIncident(r));
  }

  async openIncident(incident: Incident, deliveries: NewDelivery[]): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO alert_incidents (rule_id, subject, kind, opened_at, title, link)
         SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM alert_rules WHERE id = $1)
         ON CONFLICT (rule_id, subject) DO NOTHING`,
        [incident.ruleId, incident.subject, incident.kind, incident.openedAt, incident.title, incident.link],
      );
      if (!rowCount) return false;
      await insertDeliveries(client, deliveries);
      return true;
    });
  }

  async closeIncident(key: IncidentKey, deliveries: NewDelivery[]): Promise<boolean> {
    if (!isUuid(key.ruleId)) return false;
    return this.inTransaction(async (client) => {
      const { rowCount } = await client.query(
        'DELETE FROM alert_incidents WHERE rule_id = $1 AND subject = $2',
        [key.ruleId, key.subject],
      );
      if (!rowCount) return false;
      await insertDeliveries(client, deliveries);
      return true;
    });
  }

  async addDeliveries(deliveries: NewDelivery[]): Promise<Delivery[]> {
    return this.inTransaction((client) => insertDeliveries(client, deliveries));
  }

  async listUnsentDeliveries(limit?: number): Promise<Delivery[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM alert_deliveries WHERE status IN ('pending', 'retrying') ORDER BY created_at, id LIMIT $1`,
      [clampLimit(limit, 100, 1000)],
    );
    return rows.map((r: Row) => toDelivery(r));
  }

  async recordAttempt(id: string, attempt: DeliveryAttempt): Promise<void> {
    const status = attempt.ok ? 'sent' : attempt.final ? 'failed' : 'retrying';
    await this.pool.query(
      `UPDATE alert_deliveries SET status = $2, attempts = attempts + 1, last_attempt_at = $3,
         sent_at = CASE WHEN $4 THEN $3 ELSE sent_at END, error = $5
       WHERE id = $1`,
      [id, status, attempt.at, attempt.ok, attempt.ok ? null : (attempt.error ?? 'unknown error')],
    );
  }

  async listDeliveries(query: { limit?: number } = {}): Promise<Delivery[]> {
    const { rows } = await this.pool.query(
      'SELECT * FROM alert_deliveries ORDER BY created_at DESC, id LIMIT $1',
      [clampLimit(query.limit, 100, 500)],
    );
    return rows.map((r: Row) => toDelivery(r));
  }
}

async function insertDeliveries(client: pg.PoolClient, deliveries: NewDelivery[]): Promise<Delivery[]> {
  const saved: Delivery[] = [];
  for (const d of deliveries) {
    const { rows } = await client.query(
      `INSERT INTO alert_deliveries (id, rule_id, channel_id, channel_name, message, created_at, status, attempts,
         last_attempt_at, sent_at, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        randomUUID(),
        d.ruleId,
        d.channelId,
        d.channelName,
        JSON.stringify(d.message),
        d.createdAt,
        d.status ?? 'pending',
        d.attempts ?? 0,
        d.lastAttemptAt ?? null,
        d.sentAt ?? null,
        d.error ?? null,
      ],
    );
    saved.push(toDelivery(rows[0] as Row));
  }
  return saved;
}
