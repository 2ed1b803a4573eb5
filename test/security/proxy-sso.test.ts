// Trusted-proxy SSO against the running web server: a real reverse proxy on this machine (a small Node http
// proxy, as nginx would be configured: it drops whatever identity headers the client sent and adds the user it
// authenticated plus the shared secret) signs users in; a client that reaches the web port directly and forges
// every header, X-Forwarded-For from loopback included, stays anonymous.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startAuthServer, type AuthServer } from './auth-server';

const secret = 'Zp4Lq8Wc2Rn6Tv0Xb3Hd7Kf1Jm5Ys9Ga-proxy';
let app: AuthServer;
let proxy: http.Server;
let proxyUrl = '';

/** The proxy's idea of who the caller is: the test's stand-in for the county SSO (a header naming the user). */
const SSO_LOGIN = 'x-test-sso-login';

before(async () => {
  app = await startAuthServer(
    'proxy-sso',
    [{ username: 'ada', password: 'ada-password-1', roles: ['admin'] }],
    {
      AUTH_PROXY_HEADER: 'X-Forwarded-User',
      AUTH_PROXY_ROLES_HEADER: 'X-Forwarded-Roles',
      AUTH_PROXY_SECRET: secret,
    },
  );
  const upstream = new URL(app.server.url);
  proxy = http.createServer((req, res) => {
    const headers = { ...req.headers };
    // What a correctly configured proxy does: never pass the client's own identity headers through.
    for (const name of ['x-forwarded-user', 'x-forwarded-roles', 'x-auth-proxy-secret', SSO_LOGIN]) {
      delete headers[name];
    }
    const login = req.headers[SSO_LOGIN];
    if (typeof login === 'string') {
      headers['x-forwarded-user'] = login;
      headers['x-forwarded-roles'] = 'analyst';
      headers['x-auth-proxy-secret'] = secret;
    }
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for']
      ? `${req.headers['x-forwarded-for']}, ${peer}`
      : peer;
    headers.host = upstream.host;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await app?.close();
});

const whoAmI = async (base: string, headers: Record<string, string>) => {
  const res = await fetch(`${base}/api/auth/me`, { headers });
  return { status: res.status, body: (await res.json()) as { user?: { username: string; roles: string[] } } };
};

describe('trusted-proxy SSO', () => {
  it('signs in the user the proxy vouches for', async () => {
    const answer = await whoAmI(proxyUrl, { [SSO_LOGIN]: 'jane.doe' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.user?.username, 'jane.doe');
    assert.deepEqual(answer.body.user?.roles, ['analyst']);
  });

  it('through the proxy, a client cannot add identity headers of its own', async () => {
    const answer = await whoAmI(proxyUrl, { 'x-forwarded-user': 'ada', 'x-forwarded-roles': 'admin' });
    assert.equal(answer.status, 401);
  });

  it('a client that reaches the web port directly and forges every header stays anonymous', async () => {
    const forged: Record<string, string>[] = [
      { 'x-forwarded-user': 'ada', 'x-forwarded-roles': 'admin' },
      { 'x-forwarded-user': 'ada', 'x-forwarded-roles': 'admin', 'x-forwarded-for': '127.0.0.1' },
      {
        'x-forwarded-user': 'ada',
        'x-forwarded-roles': 'admin',
        'x-forwarded-for': '127.0.0.1, ::1',
        'x-real-ip': '127.0.0.1',
        forwarded: 'for=127.0.0.1;proto=https',
        'x-forwarded-host': '127.0.0.1',
        'x-forwarded-proto': 'https',
        'x-auth-proxy-secret': 'guess-guess-guess-guess-guess-guess',
      },
      { 'x-forwarded-user': 'ada', 'x-auth-proxy-secret': secret.slice(0, -1) },
      { 'x-forwarded-user': 'ada', 'x-auth-proxy-secret': secret.toUpperCase() },
      {
        'x-forwarded-user': 'ada',
        authorization: `Bearer ${secret.slice(1)}`,
        'x-proxy-secret': secret.slice(2),
      },
    ];
    for (const headers of forged) {
      const answer = await whoAmI(app.server.url, headers);
      assert.equal(answer.status, 401, JSON.stringify(headers));
    }
  });

  it('password sign-in still works beside the proxy', async () => {
    const res = await app.login('ada', 'ada-password-1');
    assert.equal(res.status, 200);
  });
});
