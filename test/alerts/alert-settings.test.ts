// The alerts' settings from the environment: SMTP from ALERT_SMTP_URL or the separate variables (and what is
// missing when neither), links based on PUBLIC_URL or HOST:PORT, and a malformed SMTP URL refused at start
// without its password in the message.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { channelReadiness, smtpSettings } from '../../server/alerts/channel-secrets';
import { loadEnv, publicUrl } from '../../server/config/env';

it('SMTP settings: a URL, or host/port/account, and the sender; otherwise what is missing', () => {
  assert.deepEqual(smtpSettings(loadEnv({})), { missing: 'ALERT_SMTP_FROM is not set' });
  assert.deepEqual(smtpSettings(loadEnv({ ALERT_SMTP_FROM: 'a@county.example' })), {
    missing: 'neither ALERT_SMTP_URL nor ALERT_SMTP_HOST is set',
  });
  assert.deepEqual(
    smtpSettings(
      loadEnv({ ALERT_SMTP_FROM: 'a@county.example', ALERT_SMTP_URL: 'smtps://u:p@mail.county.example' }),
    ),
    { transport: 'smtps://u:p@mail.county.example', from: 'a@county.example' },
  );
  assert.deepEqual(
    smtpSettings(
      loadEnv({
        ALERT_SMTP_FROM: 'a@county.example',
        ALERT_SMTP_HOST: 'mail.county.example',
        ALERT_SMTP_PORT: '465',
        ALERT_SMTP_USER: 'alerts',
        ALERT_SMTP_PASSWORD: 'pw',
      }),
    ),
    {
      transport: {
        host: 'mail.county.example',
        port: 465,
        secure: true,
        auth: { user: 'alerts', pass: 'pw' },
      },
      from: 'a@county.example',
    },
  );
  const plain = smtpSettings(loadEnv({ ALERT_SMTP_FROM: 'a@county.example', ALERT_SMTP_HOST: 'mail' }));
  assert.deepEqual(plain, {
    transport: { host: 'mail', port: 587, secure: false },
    from: 'a@county.example',
  });
});

it('a malformed ALERT_SMTP_URL stops the start without showing its password', () => {
  assert.throws(
    () => loadEnv({ ALERT_SMTP_URL: 'http://alerts:hunter2-secret@mail.example' }),
    (error: Error) =>
      /ALERT_SMTP_URL=\(hidden, \d+ characters\)/.test(error.message) && !error.message.includes('hunter2'),
  );
  assert.throws(() => loadEnv({ ALERT_SMTP_FROM: 'not-an-address' }), /ALERT_SMTP_FROM/);
});

it('links use PUBLIC_URL without its trailing slash, else http://HOST:PORT', () => {
  assert.equal(
    publicUrl(loadEnv({ PUBLIC_URL: 'https://lake.county.example/' })),
    'https://lake.county.example',
  );
  assert.equal(publicUrl(loadEnv({ HOST: '0.0.0.0', PORT: '8080' })), 'http://0.0.0.0:8080');
  assert.throws(() => loadEnv({ PUBLIC_URL: 'ftp://x' }), /PUBLIC_URL/);
});

it("a channel is ready when its secret is set in this process's environment", () => {
  const hook = {
    id: 'c',
    name: 'ops',
    enabled: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    type: 'webhook' as const,
    format: 'slack' as const,
    urlEnv: 'ALERT_HOOK',
  };
  assert.equal(channelReadiness(hook, loadEnv({}), { ALERT_HOOK: 'https://hooks.example/x' }), null);
  assert.equal(channelReadiness(hook, loadEnv({}), {}), 'ALERT_HOOK is not set');
});
