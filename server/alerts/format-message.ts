// A message in each channel's format: generic JSON, Slack (incoming webhook: text + Block Kit blocks), Microsoft
// Teams (incoming webhook: the legacy MessageCard, or an Adaptive Card in a message attachment, which Teams
// workflows accept) and e-mail (subject + plain text + minimal HTML). Pure.

import type { AlertMessage, WebhookFormat } from './types';

const LABEL: Record<AlertMessage['severity'], string> = {
  critical: 'ALERT',
  warning: 'WARNING',
  ok: 'RECOVERED',
  info: 'TEST',
};

// Teams' themeColor and Adaptive Card text colours per severity.
const COLOR: Record<AlertMessage['severity'], string> = {
  critical: 'C4314B',
  warning: 'F2A900',
  ok: '2E8540',
  info: '5B5FC7',
};
const ADAPTIVE_COLOR: Record<AlertMessage['severity'], string> = {
  critical: 'attention',
  warning: 'warning',
  ok: 'good',
  info: 'accent',
};

export const headline = (m: AlertMessage) => `[${m.label ?? LABEL[m.severity]}] ${m.title}`;

// Slack mrkdwn treats &, < and > as control characters.
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function webhookBody(format: WebhookFormat, m: AlertMessage, sentAt: Date): unknown {
  switch (format) {
    case 'json':
      return {
        event: m.event,
        severity: m.severity,
        kind: m.kind,
        subject: m.subject,
        title: m.title,
        text: m.text,
        link: m.link,
        sentAt: sentAt.toISOString(),
      };
    case 'slack':
      return {
        text: `${headline(m)}: ${m.text} ${m.link}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: headline(m).slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: slackEscape(m.text) } },
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: m.link }],
          },
        ],
      };
    case 'teams-messagecard':
      return {
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        themeColor: COLOR[m.severity],
        summary: headline(m),
        title: headline(m),
        text: m.text,
        potentialAction: [{ '@type': 'OpenUri', name: 'Open', targets: [{ os: 'default', uri: m.link }] }],
      };
    case 'teams-adaptive':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                {
                  type: 'TextBlock',
                  text: headline(m),
                  weight: 'Bolder',
                  size: 'Medium',
                  color: ADAPTIVE_COLOR[m.severity],
                  wrap: true,
                },
                { type: 'TextBlock', text: m.text, wrap: true },
              ],
              actions: [{ type: 'Action.OpenUrl', title: 'Open', url: m.link }],
            },
          },
        ],
      };
  }
}

const htmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function emailContent(m: AlertMessage): { subject: string; text: string; html: string } {
  return {
    subject: headline(m),
    text: `${m.text}\n\n${m.link}\n`,
    html: `<p>${htmlEscape(m.text)}</p><p><a href="${htmlEscape(m.link)}">${htmlEscape(m.link)}</a></p>`,
  };
}
