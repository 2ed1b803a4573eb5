// The sign-in guard without a server: the throttle's growing delays (fake clock), the hash gate's bound, and
// the login route and HTTP Basic sharing one throttle and one failed-login log.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { failedLogins, login } from '../../server/api/auth-routes';
import { authorize } from '../../server/auth/authorize';
import { HashGate } from '../../server/auth/hash-gate';
import { addressKey, LoginThrottle, usernameKey } from '../../server/auth/login-throttle';
import { weakSecretReason } from '../../server/config/weak-secret';
import { CSRF_HEADERS, writeUsersFile } from '../support/auth';

describe('LoginThrottle', () => {
  it('lets the free failures through, then doubles the wait up to the cap', () => {
    let now = 0;
    const throttle = new LoginThrottle(
      () => ({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 }),
      () => now,
    );
    const keys = [usernameKey('Ana'), addressKey('10.0.0.1')];
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      assert.equal(throttle.waitMs(keys), 0, `attempt ${i + 1} may go`);
      throttle.recordFailure(keys);
      waits.push(throttle.waitMs(keys));
      now += waits[i]!;
    }
    assert.deepEqual(waits, [0, 0, 1000, 2000, 4000, 8000, 8000]);
  });

  it('a success clears the username, not the address; a quiet key is forgotten', () => {
    let now = 0;
    const throttle = new LoginThrottle(
      () => ({ freeFailures: 1, baseDelayMs: 1000, maxDelayMs: 4000 }),
      () => now,
    );
    const user = usernameKey('ana');
    const address = addressKey('10.0.0.2');
    throttle.recordFailure([user, address]);
    assert.equal(throttle.waitMs([user]), 1000);
    throttle.recordSuccess(user);
    assert.equal(throttle.waitMs([user]), 0);
    assert.equal(throttle.waitMs([address]), 1000);
    now += 8001;
    assert.equal(throttle.failures(address), 0);
    assert.equal(usernameKey(' ANA '), usernameKey('ana'), 'case and spaces do not give a fresh key');
  });
});

describe('HashGate', () => {
  it('runs at most maxConcurrent at once, queues a bounded number, refuses the rest with 429', async () => {
    const gate = new HashGate(2, 2);
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const work = () =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running -= 1;
      });
    const accepted = [work(), work(), work(), work()];
    await assert.rejects(work(), { code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 1 });
    while (release.length > 0 || running > 0) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(accepted);
    assert.equal(peak, 2);
    assert.equal(gate.active, 0);
  });
});

describe('weakSecretReason', () => {
  it('refuses placeholders and low-variety values, accepts a random one', () => {
    for (const weak of [
      'a'.repeat(40),
      'changeme-changeme-changeme-changeme',
      '0123456789'.repeat(4),
      'abababab'.repeat(5),
    ]) {
      assert.notEqual(weakSecretReason(weak), null, weak);
    }
    assert.equal(weakSecretReason('q8V2m0Zr6yJt1LxW4pNc7bKs3HdFgE5u'), null);
  });
});

describe('login route and HTTP Basic share the throttle and the failed-login log', () => {
  let dir = '';
  const saved = { ...process.env };
  const base = 'http://127.0.0.1:3000';
  let adminCookie = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'auth-guard-'));
    process.env.USERS_FILE = await writeUsersFile(dir, [
      { username: 'ada', password: 'ada-pw', roles: ['admin'] },
      { username: 'fin', password: 'fin-pw', roles: ['frontend'] },
    ]);
    process.env.SESSION_SECRET = 'guard-test-secret-q8V2m0Zr6yJt1LxW4pNc7bKs3H';
    process.env.AUTH_LOGIN_FREE_FAILURES = '2';
    const res = await login(formLogin('ada', 'ada-pw', '10.9.0.1'), undefined);
    adminCookie = res.headers.get('set-cookie')!.split(';')[0]!;
  });
  after(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });
  function formLogin(username: string, password: string, address: string): Request {
    return new Request(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...CSRF_HEADERS },
      body: JSON.stringify({ username, password }),
    });
  }
  const basic = (username: string, password: string) =>
    new Request(`${base}/api/sync/status`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
        'x-forwarded-for': '10.9.0.2',
      },
    });

  it('after the free failures, the right password too waits: 429 with Retry-After, for form and Basic', async () => {
    for (const status of [401, 401]) {
      assert.equal((await login(formLogin('fin', 'wrong', '10.9.0.3'), undefined)).status, status);
    }
    const throttled = await login(formLogin('fin', 'fin-pw', '10.9.0.4'), undefined);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '1');
    assert.equal(((await throttled.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
    await assert.rejects(authorize(basic('fin', 'fin-pw'), 'sync:read'), { code: 'RATE_LIMITED' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await login(formLogin('fin', 'fin-pw', '10.9.0.4'), undefined)).status, 200);
  });

  it('admins read the failed sign-ins, newest first; other roles may not', async () => {
    const res = await failedLogins(
      new Request(`${base}/api/auth/failed-logins`, { headers: { cookie: adminCookie } }),
      undefined,
    );
    assert.equal(res.status, 200);
    const { failedLogins: rows } = (await res.json()) as {
      failedLogins: Array<{ username: string; address: string; via: string; reason: string }>;
    };
    const fin = rows.filter((r) => r.username === 'fin');
    assert.deepEqual(
      fin.map((r) => [r.via, r.reason, r.address]),
      [
        ['basic', 'throttled', '10.9.0.2'],
        ['form', 'throttled', '10.9.0.4'],
        ['form', 'wrong-password', '10.9.0.3'],
        ['form', 'wrong-password', '10.9.0.3'],
      ],
    );
    const finCookie = (await login(formLogin('fin', 'fin-pw', '10.9.0.5'), undefined)).headers
      .get('set-cookie')!
      .split(';')[0]!;
    const denied = await failedLogins(
      new Request(`${base}/api/auth/failed-logins`, { headers: { cookie: finCookie } }),
      undefined,
    );
    assert.equal(denied.status, 403);
  });
});
