// The admin commands behind the alerts API: edits that merge a partial change into the stored channel or rule
// and validate the result as a whole, and "send test", which sends at once and records the attempt in the
// history (never retried: the admin is looking at the answer).

import type { z } from 'zod';
import type { Env } from '../config/env';
import type { ControlStore } from '../store/control-store';
import { channelInput, ruleInput } from './alert-input';
import type { ProcessEnv } from './channel-secrets';
import { sendMessage } from './send-message';
import type { AlertChannel, AlertMessage, AlertRule, Delivery, NewChannel, NewRule } from './types';

function channelFields(channel: AlertChannel): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = channel;
  return fields;
}

/** The stored channel with `change` applied; a change of type keeps only the fields both types share. */
export function mergeChannel(existing: AlertChannel, change: Record<string, unknown>): NewChannel {
  const base = channelFields(existing);
  const typeChanges = change.type !== undefined && change.type !== existing.type;
  const merged = typeChanges
    ? { name: existing.name, enabled: existing.enabled, ...change }
    : { ...base, ...change };
  return channelInput.parse(merged);
}

export function mergeRule(existing: AlertRule, change: Record<string, unknown>): NewRule {
  const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = existing;
  return ruleInput.parse({ ...fields, ...change } satisfies z.input<typeof ruleInput>);
}

export async function sendTestMessage(
  store: ControlStore,
  channel: AlertChannel,
  effects: { env: Env; processEnv: ProcessEnv; now: () => Date; baseUrl: string; requestedBy: string },
): Promise<Delivery> {
  const message: AlertMessage = {
    event: 'test',
    severity: 'info',
    kind: null,
    subject: channel.name,
    title: `Test message to ${channel.name}`,
    text: `Sent by ${effects.requestedBy} from the alerts page to check that this channel reaches you.`,
    link: `${effects.baseUrl}/alerts`,
  };
  const at = effects.now();
  let error: string | null = null;
  try {
    await sendMessage(channel, message, effects);
  } catch (e) {
    error = (e as Error).message;
  }
  const [delivery] = await store.alerts.addDeliveries([
    {
      ruleId: null,
      channelId: channel.id,
      channelName: channel.name,
      message,
      createdAt: at,
      status: error === null ? 'sent' : 'failed',
      attempts: 1,
      lastAttemptAt: at,
      sentAt: error === null ? at : null,
      error,
    },
  ]);
  return delivery!;
}

export function presentRule(rule: AlertRule) {
  return { ...rule, createdAt: rule.createdAt.toISOString(), updatedAt: rule.updatedAt.toISOString() };
}

export function presentDelivery(d: Delivery) {
  return {
    ...d,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    sentAt: d.sentAt?.toISOString() ?? null,
  };
}
