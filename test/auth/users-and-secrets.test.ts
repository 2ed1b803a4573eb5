// Users file, argon2id hashes, demo user generation and the session secret, without a server.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashPassword, verifyPassword } from '../../server/auth/passwords';
import { resolveSessionSecret } from '../../server/auth/session-secret';
import {
  ensureDemoUsers,
  generatePassword,
  readUsers,
  revokeUserSessions,
  upsertUser,
} from '../../server/auth/users-file';

const dir = await mkdtemp(path.join(os.tmpdir(), 'auth-users-'));
after(() => rm(dir, { recursive: true, force: true }));

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse');
    assert.match(h, /^\$argon2id\$/);
    assert.equal(await verifyPassword(h, 'correct horse'), true);
    assert.equal(await verifyPassword(h, 'wrong'), false);
    assert.equal(await verifyPassword(undefined, 'anything'), false);
    assert.equal(await verifyPassword('$argon2id$garbage', 'anything'), false);
  });

  it('generates typeable random passwords', () => {
    const a = generatePassword();
    assert.equal(a.length, 20);
    assert.match(a, /^[A-Za-z2-9]+$/);
    assert.notEqual(a, generatePassword());
  });
});

describe('users file', () => {
  it('creates an admin with a random password once, printed once, file mode 0600', async () => {
    const file = path.join(dir, 'demo', 'users.json');
    const lines: string[] = [];
    const first = await ensureDemoUsers(file, (l) => lines.push(l));
    assert.equal(first.created, true);
    assert.ok(first.password && first.password.length >= 16);
    assert.ok(
      lines.some((l) => l.includes(first.password!)),
      'the password is printed',
    );
    const users = await readUsers(file);
    assert.deepEqual(
      users.map((u) => [u.username, u.roles]),
      [['admin', ['admin']]],
    );
    assert.ok(!(await readFile(file, 'utf8')).includes(first.password!), 'only the hash is stored');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const again = await ensureDemoUsers(file, (l) => lines.push(l));
    assert.equal(again.created, false);
    assert.equal(lines.filter((l) => l.includes(first.password!)).length, 1, 'printed once only');
  });

  it('upserts users and refuses a malformed file with a message naming it', async () => {
    const file = path.join(dir, 'u2.json');
    assert.deepEqual(await readUsers(file), []);
    assert.equal(
      (await upsertUser(file, { username: 'ana', password: 'pw1', roles: ['analyst'] })).created,
      true,
    );
    assert.equal(
      (await upsertUser(file, { username: 'ana', password: 'pw2', roles: ['frontend'] })).created,
      false,
    );
    const [ana] = await readUsers(file);
    assert.deepEqual(ana?.roles, ['frontend']);
    assert.equal(await verifyPassword(ana?.passwordHash, 'pw2'), true);
    assert.equal(ana?.sessionGeneration, 1, 'the change ended the sessions of generation 0');
    assert.equal(await revokeUserSessions(file, 'ana'), true);
    assert.equal((await readUsers(file))[0]?.sessionGeneration, 2);
    assert.equal(await revokeUserSessions(file, 'nobody'), false);
    const bad = path.join(dir, 'bad.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, '[{"username":"x"}]'));
    await assert.rejects(readUsers(bad), /bad\.json is malformed/);
  });
});

describe('session secret', () => {
  it('uses SESSION_SECRET when set and refuses a short or weak one', async () => {
    const s = 'k3Jq9TzW1vB7nR4mX8cY2pL6dF0hG5sA';
    assert.equal(await resolveSessionSecret({ secret: s, nodeEnv: 'production' }), s);
    await assert.rejects(resolveSessionSecret({ secret: 'short', nodeEnv: 'development' }), /32 characters/);
    await assert.rejects(
      resolveSessionSecret({ secret: 'x'.repeat(40), nodeEnv: 'production' }),
      /SESSION_SECRET is a placeholder or pattern/,
    );
  });

  it('refuses to start in production without one', async () => {
    await assert.rejects(
      resolveSessionSecret({ secret: undefined, nodeEnv: 'production', file: path.join(dir, 'never') }),
      /SESSION_SECRET is required when NODE_ENV=production/,
    );
  });

  it('generates one into a 0600 file outside production and reuses it', async () => {
    const file = path.join(dir, 'data', 'session-secret');
    const a = await resolveSessionSecret({ secret: undefined, nodeEnv: 'development', file });
    assert.ok(a.length >= 32);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await resolveSessionSecret({ secret: undefined, nodeEnv: 'test', file }), a);
  });
});
