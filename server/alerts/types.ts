// The alerts vocabulary: channels (where a message goes), rules (which condition opens an incident), incidents
// (a condition that holds now; one message when it opens, one when it clears) and deliveries (one message to one
// channel: the alert history, and the outbox that failed sends are retried from).

export const RULE_KINDS = [
  'run-failed',
  'check-failed',
  'sync-failed',
  'sync-lagging',
  'table-stale',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams-messagecard', 'teams-adaptive'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export type ChannelConfig =
  /** `urlEnv` is the NAME of the environment variable holding the URL (a secret); never the URL itself. */
  | { type: 'webhook'; format: WebhookFormat; urlEnv: string }
  /** SMTP server, account and sender come from ALERT_SMTP_* in the environment. */
  | { type: 'email'; to: string[] };

export type AlertChannel = {
  id: string;
  name: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
} & ChannelConfig;

export interface AlertRule {
  id: string;
  name: string;
  kind: RuleKind;
  /** Only this pipeline's runs (run-failed, check-failed); null = every pipeline. */
  pipeline: string | null;
  /** Only this table (check-failed: the checked table; sync rules: the MySQL table); null = every table. */
  table: string | null;
  /** check-failed: 'error' fires on failed error checks only, 'warn' on both. */
  minSeverity: 'error' | 'warn';
  channelIds: string[];
  /** Send a message when the incident clears. */
  notifyRecovery: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type NewChannel = { name: string; enabled: boolean } & ChannelConfig;
export type NewRule = Omit<AlertRule, 'id' | 'createdAt' | 'updatedAt'>;

export interface IncidentKey {
  ruleId: string;
  /** What the incident is about: `<jobType>:<pipeline>`, `<pipeline>/<table>/<check>` or a MySQL table. */
  subject: string;
}

export interface Incident extends IncidentKey {
  kind: RuleKind;
  openedAt: Date;
  /** The message's title when it opened, shown in lists. */
  title: string;
  link: string;
}

export type AlertEvent = 'open' | 'recovery' | 'test';
export type AlertSeverity = 'critical' | 'warning' | 'ok' | 'info';

/** A message before it is formatted for a channel (webhook JSON, Slack, Teams, e-mail). */
export interface AlertMessage {
  event: AlertEvent;
  severity: AlertSeverity;
  kind: RuleKind | null;
  subject: string;
  title: string;
  text: string;
  /** The page that explains it (a run on /pipelines, or /sync). */
  link: string;
  /** The headline's tag instead of the severity's ([ALERT], [RECOVERED]…): a notebook run's delivery says [REPORT]. */
  label?: string;
}

/**
 * pending: not tried yet; sent; retrying: the last attempt failed and the next tick tries again; failed: given
 * up (after the last attempt allowed, or a "send test" that failed).
 */
export type DeliveryStatus = 'pending' | 'sent' | 'retrying' | 'failed';

export interface Delivery {
  id: string;
  ruleId: string | null;
  channelId: string;
  /** The channel's name when the message was made, so history stays readable after a channel is deleted. */
  channelName: string;
  message: AlertMessage;
  createdAt: Date;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  sentAt: Date | null;
  error: string | null;
}

export type NewDelivery = Pick<Delivery, 'ruleId' | 'channelId' | 'channelName' | 'message' | 'createdAt'> &
  Partial<Pick<Delivery, 'status' | 'attempts' | 'lastAttemptAt' | 'sentAt' | 'error'>>;

export interface DeliveryAttempt {
  ok: boolean;
  at: Date;
  error?: string;
  /** Give up after this attempt when it failed. */
  final: boolean;
}
