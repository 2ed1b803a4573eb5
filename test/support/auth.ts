// Test helpers for authenticated requests: a users file with known passwords, and a real login through
// the API that returns the Cookie header to send with later requests.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../../server/auth/permissions';
import { hashPassword } from '../../server/auth/passwords';
import { writeUsers } from '../../server/auth/users-file';

export const CSRF_HEADERS = { 'x-lakehouse-csrf': '1' } as const;

/** Write dir/users.json with these users (passwords hashed with argon2id) and return its path. */
export async function writeUsersFile(
  dir: string,
  users: { username: string; password: string; roles: Role[] }[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'users.json');
  const records = await Promise.all(
    users.map(async (u) => ({
      username: u.username,
      passwordHash: await hashPassword(u.password),
      roles: u.roles,
    })),
  );
  await writeUsers(file, records);
  return file;
}

/** Log in through POST /api/auth/login and return the Cookie header value for later requests. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) {
    throw new Error(`login as ${username} failed: ${response.status} ${await response.text()}`);
  }
  const setCookie = response.headers.get('set-cookie');
  const pair = setCookie?.split(';')[0];
  if (!pair) throw new Error(`login as ${username} returned no session cookie`);
  return pair;
}
