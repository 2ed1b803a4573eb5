// The auth contract, exercised by calling the route handlers with Request objects: login, me, logout,
// authorize() with its 401/403/CSRF outcomes, the error JSON shape, and trusted-proxy mode (shared secret).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { login, logout, me } from '../../server/api/auth-routes';
import { ApiError } from '../../server/api/errors';
import { handleRoute } from '../../server/api/handle-route';
import { authorize } from '../../server/auth/authorize';
import { SESSION_COOKIE } from '../../server/auth/session';
import { CSRF_HEADERS, writeUsersFile } from '../support/auth';

const base = 'http://127.0.0.1:3000';
const dir = await mkdtemp(path.join(os.tmpdir(), 'auth-authorize-'));
const saved = { ...process.env };

before(async () => {
  process.env.USERS_FILE = await writeUsersFile(dir, [
    { username: 'ada', password: 'ada-pw', roles: ['admin'] },
    { username: 'ana', password: 'ana-pw', roles: ['analyst'] },
  ]);
  process.env.SESSION_SECRET = 'a-test-secret-that-is-long-enough-0123456789';
});
after(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

function post(url: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function cookieFor(username: string, password: string): Promise<string> {
  const response = await login(post('/api/auth/login', { username, password }, CSRF_HEADERS), undefined);
  assert.equal(response.status, 200, await response.clone().text());
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('login, me, logout', () => {
  it('sets a sealed httpOnly SameSite=Lax cookie and answers me', async () => {
    const response = await login(
      post('/api/auth/login', { username: 'ada', password: 'ada-pw' }, CSRF_HEADERS),
      undefined,
    );
    assert.equal(response.status, 200);
    const setCookie = response.headers.get('set-cookie')!;
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=Fe26\\.2`));
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.doesNotMatch(setCookie, /Secure/, 'plain http: no Secure flag, or the demo could not log in');
    const cookie = setCookie.split(';')[0]!;
    const who = await me(new Request(`${base}/api/auth/me`, { headers: { cookie } }), undefined);
    assert.equal(who.status, 200);
    const body = (await who.json()) as { user: { username: string; roles: string[]; permissions: string[] } };
    assert.equal(body.user.username, 'ada');
    assert.ok(body.user.permissions.includes('schedules:write'));
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    for (const [u, p] of [
      ['ada', 'nope'],
      ['nobody', 'x'],
    ]) {
      const response = await login(
        post('/api/auth/login', { username: u, password: p }, CSRF_HEADERS),
        undefined,
      );
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), {
        error: { code: 'UNAUTHENTICATED', message: 'Wrong username or password' },
      });
    }
  });

  it('answers INVALID_INPUT for a missing password and CSRF without the header', async () => {
    const invalid = await login(post('/api/auth/login', { username: 'ada' }, CSRF_HEADERS), undefined);
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { error: { code: string } }).error.code, 'INVALID_INPUT');
    const forged = await login(post('/api/auth/login', { username: 'ada', password: 'ada-pw' }), undefined);
    assert.equal(forged.status, 403);
    assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'CSRF');
  });

  it('logout clears the cookie; a tampered cookie is anonymous', async () => {
    const out = await logout(post('/api/auth/logout', {}, CSRF_HEADERS), undefined);
    assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
    const cookie = (await cookieFor('ada', 'ada-pw')).slice(0, -4) + 'AAAA';
    const who = await me(new Request(`${base}/api/auth/me`, { headers: { cookie } }), undefined);
    assert.equal(who.status, 401);
  });
});

describe('authorize', () => {
  it('returns the user, or throws UNAUTHENTICATED / FORBIDDEN', async () => {
    const ana = await cookieFor('ana', 'ana-pw');
    const user = await authorize(new Request(`${base}/x`, { headers: { cookie: ana } }), 'lineage:read');
    assert.deepEqual(user, { username: 'ana', roles: ['analyst'] });
    await assert.rejects(authorize(new Request(`${base}/x`, { headers: { cookie: ana } }), 'runs:write'), {
      code: 'FORBIDDEN',
      status: 403,
    });
    await assert.rejects(authorize(new Request(`${base}/x`), 'lineage:read'), {
      code: 'UNAUTHENTICATED',
      status: 401,
    });
  });

  it('enforces CSRF on state-changing methods: header, Origin and Sec-Fetch-Site', async () => {
    const cookie = await cookieFor('ada', 'ada-pw');
    const req = (headers: Record<string, string>) =>
      new Request(`${base}/api/schedules`, {
        method: 'POST',
        headers: { cookie, host: '127.0.0.1:3000', ...headers },
      });
    await assert.rejects(authorize(req({}), 'schedules:write'), { code: 'CSRF' });
    await assert.rejects(
      authorize(req({ ...CSRF_HEADERS, origin: 'https://evil.example' }), 'schedules:write'),
      {
        code: 'CSRF',
      },
    );
    await assert.rejects(
      authorize(req({ ...CSRF_HEADERS, 'sec-fetch-site': 'cross-site' }), 'schedules:write'),
      {
        code: 'CSRF',
      },
    );
    const ok = await authorize(
      req({ ...CSRF_HEADERS, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }),
      'schedules:write',
    );
    assert.equal(ok.username, 'ada');
  });

  it('a removed user loses access at once', async () => {
    const cookie = await cookieFor('ana', 'ana-pw');
    const file = process.env.USERS_FILE!;
    process.env.USERS_FILE = await writeUsersFile(path.join(dir, 'other'), [
      { username: 'ada', password: 'ada-pw', roles: ['admin'] },
    ]);
    try {
      await assert.rejects(authorize(new Request(`${base}/x`, { headers: { cookie } }), 'lineage:read'), {
        code: 'UNAUTHENTICATED',
      });
    } finally {
      process.env.USERS_FILE = file;
    }
  });
});

describe('HTTP Basic for read-only requests (monitoring scrapes)', () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const get = (authorization: string, method = 'GET') =>
    new Request(`${base}/api/sync/status`, { method, headers: { authorization, ...CSRF_HEADERS } });

  it('lets a user in with the right password on GET and HEAD', async () => {
    assert.deepEqual(await authorize(get(basic('ada', 'ada-pw')), 'sync:read'), {
      username: 'ada',
      roles: ['admin'],
    });
    assert.equal((await authorize(get(basic('ada', 'ada-pw'), 'HEAD'), 'sync:read')).username, 'ada');
  });

  it('refuses a wrong password, an unknown user, a malformed header, and roles without the permission', async () => {
    for (const header of [basic('ada', 'nope'), basic('nobody', 'ada-pw'), 'Basic !!!', basic('', 'x')]) {
      await assert.rejects(authorize(get(header), 'sync:read'), { code: 'UNAUTHENTICATED' }, header);
    }
    await assert.rejects(authorize(get(basic('ana', 'ana-pw')), 'sync:read'), { code: 'FORBIDDEN' });
  });

  it('is never used on a state-changing method', async () => {
    const request = new Request(`${base}/api/schedules/x/run`, {
      method: 'POST',
      headers: { authorization: basic('ada', 'ada-pw'), ...CSRF_HEADERS },
    });
    await assert.rejects(authorize(request, 'runs:write'), { code: 'UNAUTHENTICATED' });
  });
});

describe('trusted-proxy mode', () => {
  const secret = 'proxy-shared-secret-9f8e7d6c5b4a39281706';
  before(() => {
    process.env.AUTH_PROXY_HEADER = 'X-Forwarded-User';
    process.env.AUTH_PROXY_ROLES_HEADER = 'X-Forwarded-Roles';
    process.env.AUTH_PROXY_SECRET = secret;
  });
  after(() => {
    delete process.env.AUTH_PROXY_HEADER;
    delete process.env.AUTH_PROXY_ROLES_HEADER;
    delete process.env.AUTH_PROXY_SECRET;
  });
  const viaProxy = (extra: Record<string, string>) =>
    new Request(`${base}/x`, {
      headers: {
        'x-forwarded-user': 'jdoe',
        'x-forwarded-roles': 'frontend, bogus',
        'x-forwarded-for': '127.0.0.1',
        ...extra,
      },
    });

  it('honours the headers that come with the shared secret, ignoring unknown roles', async () => {
    assert.deepEqual(await authorize(viaProxy({ 'x-auth-proxy-secret': secret }), 'sync:read'), {
      username: 'jdoe',
      roles: ['frontend'],
    });
    await assert.rejects(authorize(viaProxy({ 'x-auth-proxy-secret': secret }), 'runs:read'), {
      code: 'FORBIDDEN',
    });
  });

  it('ignores them without the secret or with a wrong one, whatever X-Forwarded-For says', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'x-auth-proxy-secret': `${secret}x` },
      { 'x-auth-proxy-secret': '' },
    ];
    for (const extra of attempts) {
      await assert.rejects(authorize(viaProxy(extra), 'sync:read'), { code: 'UNAUTHENTICATED' });
    }
  });

  it('is off by default: without AUTH_PROXY_HEADER the headers count for nothing, even with the secret', async () => {
    const saved = process.env.AUTH_PROXY_HEADER;
    delete process.env.AUTH_PROXY_HEADER;
    try {
      await assert.rejects(authorize(viaProxy({ 'x-auth-proxy-secret': secret }), 'sync:read'), {
        code: 'UNAUTHENTICATED',
      });
    } finally {
      process.env.AUTH_PROXY_HEADER = saved;
    }
  });

  it('refuses to run proxy mode without a secret', async () => {
    delete process.env.AUTH_PROXY_SECRET;
    try {
      await assert.rejects(authorize(viaProxy({}), 'sync:read'), /AUTH_PROXY_SECRET.*required/);
    } finally {
      process.env.AUTH_PROXY_SECRET = secret;
    }
  });
});

describe('handleRoute', () => {
  it('hides unexpected errors behind INTERNAL and logs them', async () => {
    const logged: unknown[] = [];
    const route = handleRoute(
      async () => {
        throw new Error('secret detail');
      },
      { logError: (_m, e) => logged.push(e) },
    );
    const response = await route(new Request(`${base}/x`), undefined);
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /secret detail/);
    assert.equal(logged.length, 1);
    const known = handleRoute(async () => {
      throw new ApiError('CONFLICT', 'already running');
    });
    const conflict = await known(new Request(`${base}/x`), undefined);
    assert.equal(conflict.status, 409);
    assert.deepEqual(await conflict.json(), { error: { code: 'CONFLICT', message: 'already running' } });
  });
});
