// What delivery needs from the rest of the product, injected so tests pass real local servers: SMTP from
// ALERT_SMTP_* (read by the alerts' sendMail, as e-mail alerts do), the admins' webhook channels from the alert
// store, users' e-mail addresses from the users file, and the web origin for links.

import path from 'node:path';
import { channelReadiness, type ProcessEnv } from '../alerts/channel-secrets';
import type { AlertStore } from '../alerts/alert-store';
import type { AlertChannel } from '../alerts/types';
import { createUsersLookup } from '../auth/users-file';
import { publicUrl, type Env } from '../config/env';
import type { DeliverySettings } from './delivery-settings';

export interface DeliveryDeps {
  /** ALERT_SMTP_* (server, account, sender) are read from here. */
  env: Env;
  /** Webhook channels' URL variables are read from here (process.env in the worker). */
  processEnv: ProcessEnv;
  now: () => Date;
  /** Where links point: PUBLIC_URL, else http://HOST:PORT. */
  origin: string;
  /** NOTEBOOKS_DIR: runs are stored under its .meta/runs/<notebookId>/<runId>/. */
  notebooksDir: string;
  getChannel(id: string): Promise<AlertChannel | null>;
  findUser(username: string): Promise<{ username: string; email?: string } | undefined>;
  /** Attachments of one message together at most (default 10 MB); past it outputs are sent as links. */
  attachmentCapBytes?: number;
  fetch?: typeof fetch;
  /** Per SMTP step and per webhook POST (default 10 s). */
  timeoutMs?: number;
}

export const DEFAULT_ATTACHMENT_CAP_BYTES = 10 * 1024 * 1024;

/** The worker's deps: its environment, the control store's alert channels and the users file. */
export function createDeliveryDeps(
  env: Env,
  alerts: Pick<AlertStore, 'getChannel'>,
  processEnv: ProcessEnv = process.env,
): DeliveryDeps {
  const lookup = createUsersLookup(env.USERS_FILE);
  return {
    env,
    processEnv,
    now: () => new Date(),
    origin: publicUrl(env),
    notebooksDir: path.resolve(env.NOTEBOOKS_DIR),
    getChannel: (id) => alerts.getChannel(id),
    findUser: async (username) => {
      const user = await lookup(username);
      return user ? { username: user.username, ...(user.email ? { email: user.email } : {}) } : undefined;
    },
  };
}

/** The webhook channels a schedule may pick (id and name only: the URL variable is the admins' business). */
export function webhookChannelChoices(channels: AlertChannel[]): { id: string; name: string }[] {
  return channels
    .filter((c) => c.type === 'webhook' && c.enabled)
    .map((c) => ({ id: c.id, name: c.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Why a channel cannot take a delivery now, or null. */
export function webhookProblem(
  channel: AlertChannel | null,
  id: string,
  deps: Pick<DeliveryDeps, 'env' | 'processEnv'>,
): string | null {
  if (!channel) return `no alert channel ${id} (deleted by an admin?)`;
  if (channel.type !== 'webhook') return `alert channel "${channel.name}" is not a webhook`;
  if (!channel.enabled) return `alert channel "${channel.name}" is disabled`;
  return channelReadiness(channel, deps.env, deps.processEnv);
}

/**
 * What is wrong with settings' targets now, for the schedule's save to refuse with (the schema checks their shape;
 * this checks they lead somewhere): an unknown or non-webhook channel, a user without an e-mail address. Empty when
 * every target can be reached. A disabled channel or an unset URL variable is not refused: admins may fix those.
 */
export async function deliveryTargetProblems(
  settings: { targets: DeliverySettings['targets'] },
  deps: Pick<DeliveryDeps, 'getChannel' | 'findUser'>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, target] of settings.targets.entries()) {
    if (target.kind === 'webhook') {
      const channel = await deps.getChannel(target.channelId);
      if (!channel) problems.push(`targets.${index}: no webhook channel ${target.channelId}`);
      else if (channel.type !== 'webhook')
        problems.push(`targets.${index}: alert channel "${channel.name}" is not a webhook`);
    } else if (target.kind === 'user') {
      const user = await deps.findUser(target.username);
      if (!user) problems.push(`targets.${index}: no user ${target.username}`);
      else if (!user.email)
        problems.push(
          `targets.${index}: ${target.username} has no e-mail address (npm run users -- set-email ${target.username} <address>)`,
        );
    }
  }
  return problems;
}
