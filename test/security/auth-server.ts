// A built web app (next start) on a temp users file, for the sign-in and session tests that must run against the
// real server: its users file can be changed by the users CLI in another process while it runs.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../server/auth/permissions';
import { CSRF_HEADERS, writeUsersFile } from '../support/auth';
import { startNextServer, type NextServer } from '../support/next-server';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AuthServer {
  server: NextServer;
  usersFile: string;
  /** POST /api/auth/login; returns the response (its cookie via cookieOf). */
  login(username: string, password: string, headers?: Record<string, string>): Promise<Response>;
  /** `npm run users -- <args>` against this server's users file, in its own process. */
  usersCli(args: string[], env?: Record<string, string>): Promise<{ code: number; output: string }>;
  close(): Promise<void>;
}

export const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

export async function startAuthServer(
  prefix: string,
  users: { username: string; password: string; roles: Role[] }[],
  env: Record<string, string> = {},
): Promise<AuthServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const usersFile = await writeUsersFile(dir, users);
  let server: NextServer;
  try {
    server = await startNextServer({
      env: {
        USERS_FILE: usersFile,
        SESSION_SECRET: 'k3Jq9TzW1vB7nR4mX8cY2pL6dF0hG5sA-sessions-test',
        LOG_LEVEL: 'warn',
        ...env,
      },
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    usersFile,
    login: (username, password, headers = {}) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...CSRF_HEADERS, ...headers },
        body: JSON.stringify({ username, password }),
      }),
    usersCli: (args, extra = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          path.join(repoRoot, 'node_modules/.bin/tsx'),
          ['server/auth/users-cli.ts', ...args],
          {
            cwd: repoRoot,
            env: { ...process.env, USERS_FILE: usersFile, ...extra },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let output = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr.on('data', (c: Buffer) => (output += c.toString()));
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code: code ?? 1, output }));
      }),
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
