// The alerts API's answers as the browser receives them (types only), and the choices its forms offer,
// written out because app/ may not import server values; `satisfies` keeps them in step with the server.

import type { Serialized } from '../_lib/control-types';
import type { PresentedChannel } from '@/server/alerts/channel-secrets';
import type { AlertRule, Delivery, Incident, RuleKind, WebhookFormat } from '@/server/alerts/types';

export type ChannelView = PresentedChannel;
export type RuleView = Serialized<AlertRule>;
export type DeliveryView = Serialized<Delivery>;
export type IncidentView = Serialized<Incident>;

export const RULE_KIND_OPTIONS = [
  { value: 'run-failed', label: 'Run failed (or abandoned)' },
  { value: 'check-failed', label: 'Data-quality check failed' },
  { value: 'table-stale', label: 'Table stale (older than its freshness limit)' },
  { value: 'sync-failed', label: 'MySQL sync failed' },
  { value: 'sync-lagging', label: 'MySQL sync lagging' },
] as const satisfies readonly { value: RuleKind; label: string }[];

export const FORMAT_OPTIONS = [
  { value: 'json', label: 'Generic JSON' },
  { value: 'slack', label: 'Slack (incoming webhook)' },
  { value: 'teams-messagecard', label: 'Microsoft Teams (MessageCard)' },
  { value: 'teams-adaptive', label: 'Microsoft Teams (Adaptive Card, workflows)' },
] as const satisfies readonly { value: WebhookFormat; label: string }[];

export const kindLabel = (kind: string) => RULE_KIND_OPTIONS.find((o) => o.value === kind)?.label ?? kind;
