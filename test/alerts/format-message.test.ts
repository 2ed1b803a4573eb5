// Each channel format carries the title, text and link where its receiver reads them: Slack's text and blocks,
// Teams' MessageCard and Adaptive Card, the generic JSON, and e-mail (with HTML escaped).

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { emailContent, webhookBody } from '../../server/alerts/format-message';
import type { AlertMessage } from '../../server/alerts/types';

const m: AlertMessage = {
  event: 'open',
  severity: 'critical',
  kind: 'sync-failed',
  subject: 'orders',
  title: 'orders: MySQL sync failed',
  text: 'Lost <connection> & retried',
  link: 'https://lake.example/sync',
};
const at = new Date('2026-12-01T10:00:00.000Z');

it('generic JSON has every field and the send time', () => {
  assert.deepEqual(webhookBody('json', m, at), { ...m, sentAt: at.toISOString() });
});

it('Slack: text for notifications, blocks with escaped mrkdwn and an Open button', () => {
  const body = webhookBody('slack', m, at) as { text: string; blocks: Record<string, unknown>[] };
  assert.match(body.text, /^\[ALERT\] orders: MySQL sync failed: .*https:\/\/lake\.example\/sync$/);
  assert.deepEqual(body.blocks[1], {
    type: 'section',
    text: { type: 'mrkdwn', text: 'Lost &lt;connection&gt; &amp; retried' },
  });
  assert.equal((body.blocks[2] as { elements: { url: string }[] }).elements[0]!.url, m.link);
});

it('Teams: a MessageCard with an OpenUri action, and an Adaptive Card attachment with Action.OpenUrl', () => {
  const card = webhookBody('teams-messagecard', { ...m, severity: 'ok' }, at) as Record<string, unknown>;
  assert.equal(card['@type'], 'MessageCard');
  assert.equal(card.themeColor, '2E8540');
  assert.deepEqual(card.potentialAction, [
    { '@type': 'OpenUri', name: 'Open', targets: [{ os: 'default', uri: m.link }] },
  ]);
  const adaptive = webhookBody('teams-adaptive', m, at) as {
    type: string;
    attachments: {
      contentType: string;
      content: { type: string; body: { text: string }[]; actions: unknown[] };
    }[];
  };
  assert.equal(adaptive.type, 'message');
  const content = adaptive.attachments[0]!;
  assert.equal(content.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(content.content.type, 'AdaptiveCard');
  assert.equal(content.content.body[1]!.text, m.text);
  assert.deepEqual(content.content.actions, [{ type: 'Action.OpenUrl', title: 'Open', url: m.link }]);
});

it('e-mail: the headline as subject, the link in text and HTML, HTML escaped', () => {
  const mail = emailContent(m);
  assert.equal(mail.subject, '[ALERT] orders: MySQL sync failed');
  assert.ok(mail.text.includes(m.link));
  assert.ok(mail.html.includes('Lost &lt;connection&gt; &amp; retried'));
  assert.ok(mail.html.includes(`href="${m.link}"`));
});
