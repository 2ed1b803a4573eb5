// Where channels' secrets come from: the environment only. A webhook channel names an ALERT_* variable holding
// its URL; e-mail uses ALERT_SMTP_*. What the API shows about them is whether they are set, never a value.

import { z } from 'zod';
import type { Env } from '../config/env';
import type { AlertChannel } from './types';

/**
 * Only ALERT_-prefixed names (and not the SMTP ones), so an admin cannot point a channel at another secret
 * (SESSION_SECRET, CONTROL_DB_URL…) and have the worker send it somewhere.
 */
export const urlEnvSchema = z
  .string()
  .trim()
  .regex(/^ALERT_[A-Z0-9_]{1,100}$/, 'must be the name of an environment variable starting with ALERT_')
  .refine((v) => !v.startsWith('ALERT_SMTP_'), 'ALERT_SMTP_* variables configure e-mail, not webhooks');

export type ProcessEnv = Record<string, string | undefined>;

export interface SmtpSettings {
  /** nodemailer transport options (a URL string or host/port/auth). */
  transport: string | { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  from: string;
}

/** The SMTP settings, or why e-mail cannot be sent (a message without any secret in it). */
export function smtpSettings(env: Env): SmtpSettings | { missing: string } {
  if (!env.ALERT_SMTP_FROM) return { missing: 'ALERT_SMTP_FROM is not set' };
  if (env.ALERT_SMTP_URL) return { transport: env.ALERT_SMTP_URL, from: env.ALERT_SMTP_FROM };
  if (!env.ALERT_SMTP_HOST) return { missing: 'neither ALERT_SMTP_URL nor ALERT_SMTP_HOST is set' };
  const port = env.ALERT_SMTP_PORT ?? 587;
  return {
    transport: {
      host: env.ALERT_SMTP_HOST,
      port,
      secure: port === 465,
      ...(env.ALERT_SMTP_USER
        ? { auth: { user: env.ALERT_SMTP_USER, pass: env.ALERT_SMTP_PASSWORD ?? '' } }
        : {}),
    },
    from: env.ALERT_SMTP_FROM,
  };
}

/** Whether the channel can send as configured now: its secret variable set, or SMTP configured. */
export function channelReadiness(channel: AlertChannel, env: Env, processEnv: ProcessEnv): string | null {
  if (channel.type === 'webhook') return processEnv[channel.urlEnv] ? null : `${channel.urlEnv} is not set`;
  const smtp = smtpSettings(env);
  return 'missing' in smtp ? smtp.missing : null;
}

/** A channel as the API shows it: its settings and readiness, with no secret. */
export function presentChannel(channel: AlertChannel, env: Env, processEnv: ProcessEnv) {
  const problem = channelReadiness(channel, env, processEnv);
  const common = {
    id: channel.id,
    name: channel.name,
    enabled: channel.enabled,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
    ready: problem === null,
    problem,
  };
  return channel.type === 'webhook'
    ? { ...common, type: channel.type, format: channel.format, urlEnv: channel.urlEnv }
    : { ...common, type: channel.type, to: channel.to };
}

export type PresentedChannel = ReturnType<typeof presentChannel>;
