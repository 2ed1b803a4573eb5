// Sends one message to one channel: a webhook POST (10 s limit) or an e-mail through nodemailer. Errors are
// described without the webhook URL or SMTP credentials, since they land in the alert history.

import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Env } from '../config/env';
import { smtpSettings, type ProcessEnv } from './channel-secrets';
import { emailContent, webhookBody } from './format-message';
import type { AlertChannel, AlertMessage } from './types';

export interface SendEffects {
  env: Env;
  /** Where webhook URL variables are read (process.env in the processes). */
  processEnv: ProcessEnv;
  now: () => Date;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class SendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendError';
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? (error as Error).name ?? 'network error';
}

async function sendWebhook(
  channel: Extract<AlertChannel, { type: 'webhook' }>,
  message: AlertMessage,
  effects: SendEffects,
): Promise<void> {
  await postToWebhook(channel, webhookBody(channel.format, message, effects.now()), effects);
}

/** POSTs a JSON body to a webhook channel's URL (also used by notebook run delivery, server/delivery). */
export async function postToWebhook(
  channel: Extract<AlertChannel, { type: 'webhook' }>,
  body: unknown,
  effects: Pick<SendEffects, 'processEnv' | 'fetch' | 'timeoutMs'>,
): Promise<void> {
  const url = effects.processEnv[channel.urlEnv];
  if (!url) throw new SendError(`${channel.urlEnv} is not set in the worker's environment`);
  if (!/^https?:\/\//i.test(url)) throw new SendError(`${channel.urlEnv} is not an http(s) URL`);
  let response: Response;
  try {
    response = await (effects.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(effects.timeoutMs ?? 10_000),
      redirect: 'error',
    });
  } catch (error) {
    throw new SendError(`webhook (${channel.urlEnv}) not reached: ${describeNetworkError(error)}`);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok)
    throw new SendError(`webhook (${channel.urlEnv}) answered ${response.status}: ${text.slice(0, 200)}`);
}

async function sendEmail(
  channel: Extract<AlertChannel, { type: 'email' }>,
  message: AlertMessage,
  effects: SendEffects,
): Promise<void> {
  await sendMail({ to: channel.to, ...emailContent(message) }, effects);
}

/** Sends one e-mail through ALERT_SMTP_* (also used by notebook run delivery, with attachments). */
export async function sendMail(
  mail: Omit<SendMailOptions, 'from'>,
  effects: Pick<SendEffects, 'env' | 'timeoutMs'>,
): Promise<void> {
  const smtp = smtpSettings(effects.env);
  if ('missing' in smtp) throw new SendError(`e-mail not configured: ${smtp.missing}`);
  const timeout = effects.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    ...(typeof smtp.transport === 'string' ? { url: smtp.transport } : smtp.transport),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    await transport.sendMail({ ...mail, from: smtp.from });
  } catch (error) {
    const e = error as { code?: string; responseCode?: number; response?: string };
    // nodemailer's codes for a server that did not answer: say it in words (its message names no secret either).
    const unreached = e.code && ['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS'].includes(e.code);
    const detail = e.response ?? (unreached ? `server not reached (${e.code})` : (e.code ?? 'error'));
    throw new SendError(`SMTP: ${e.responseCode ? `${e.responseCode} ` : ''}${detail}`.slice(0, 300));
  } finally {
    transport.close();
  }
}

export async function sendMessage(channel: AlertChannel, message: AlertMessage, effects: SendEffects) {
  if (channel.type === 'webhook') await sendWebhook(channel, message, effects);
  else await sendEmail(channel, message, effects);
}
