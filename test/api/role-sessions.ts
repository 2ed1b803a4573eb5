// Signed-in sessions for calling route handlers directly: one user per role in a temp users file, logged in
// through the real login handler; returns the Cookie header per role.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { login } from '../../server/api/auth-routes';
import type { Role } from '../../server/auth/permissions';
import { CSRF_HEADERS, writeUsersFile } from '../support/auth';
import { createSyncedLake, type SyncedLake } from '../sync/synced-lake';

export const BASE_URL = 'http://127.0.0.1:3000';

/** Points USERS_FILE and SESSION_SECRET at test values (callers restore process.env) and logs every role in. */
export async function signInEveryRole(dir: string): Promise<Record<Role, string>> {
  const roles = ['admin', 'analyst', 'frontend'] as const;
  process.env.SESSION_SECRET = 'sync-route-test-secret-that-is-long-enough-0123';
  process.env.USERS_FILE = await writeUsersFile(
    dir,
    roles.map((role) => ({ username: role, password: `${role}-pw`, roles: [role] })),
  );
  const cookies = {} as Record<Role, string>;
  for (const role of roles) {
    const res = await login(
      new Request(`${BASE_URL}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...CSRF_HEADERS },
        body: JSON.stringify({ username: role, password: `${role}-pw` }),
      }),
      undefined,
    );
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`login as ${role} failed: ${res.status} ${await res.text()}`);
    cookies[role] = cookie;
  }
  return cookies;
}

/**
 * The set-up of the route tests over a synced lake (test/sync/synced-lake.ts): every role signed in, and the
 * route handlers pointed at the lake and its MariaDB database through LAKE_ROOT and MYSQL_URL. close() removes
 * both and restores process.env as it was.
 */
export async function openSignedInSyncedLake(
  prefix: string,
): Promise<{ lake: SyncedLake; cookies: Record<Role, string>; close(): Promise<void> }> {
  const saved = { ...process.env };
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  const cookies = await signInEveryRole(dir);
  const lake = await createSyncedLake(prefix);
  process.env.LAKE_ROOT = lake.lakeDir;
  process.env.MYSQL_URL = lake.db.url;
  return {
    lake,
    cookies,
    async close() {
      process.env = saved;
      await lake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
