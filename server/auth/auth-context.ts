// Everything authorize() needs, built once per process from the environment: the session secret, the users
// lookup and the proxy settings. Rebuilt when the relevant variables change, so tests can point one process
// at different users files.

import path from 'node:path';
import { loadEnv } from '../config/env';
import { resolveSessionSecret } from './session-secret';
import { parseTrustedProxies, type ProxyAuthConfig } from './trusted-proxy';
import { createUsersLookup, type UserRecord } from './users-file';

export interface AuthContext {
  secret: string;
  usersFile: string;
  findUser: (username: string) => Promise<UserRecord | undefined>;
  proxy: ProxyAuthConfig;
}

let cached: { key: string; context: Promise<AuthContext> } | undefined;

export function getAuthContext(
  source: Record<string, string | undefined> = process.env,
): Promise<AuthContext> {
  const env = loadEnv(source);
  const key = JSON.stringify([
    env.USERS_FILE,
    env.SESSION_SECRET,
    env.AUTH_PROXY_HEADER,
    env.AUTH_PROXY_ROLES_HEADER,
    env.AUTH_TRUSTED_PROXIES,
    source.NODE_ENV,
  ]);
  if (cached?.key !== key) {
    const context = buildContext(env, source.NODE_ENV);
    cached = { key, context };
    // A failure (e.g. production without a secret) must not be cached forever.
    context.catch(() => {
      if (cached?.context === context) cached = undefined;
    });
  }
  return cached.context;
}

async function buildContext(
  env: ReturnType<typeof loadEnv>,
  nodeEnv: string | undefined,
): Promise<AuthContext> {
  const usersFile = path.resolve(env.USERS_FILE);
  const secret = await resolveSessionSecret({
    secret: env.SESSION_SECRET,
    nodeEnv,
    log: (line) => console.log(`[auth] ${line}`),
  });
  return {
    secret,
    usersFile,
    findUser: createUsersLookup(usersFile),
    proxy: {
      userHeader: env.AUTH_PROXY_HEADER?.toLowerCase(),
      rolesHeader: env.AUTH_PROXY_ROLES_HEADER?.toLowerCase(),
      trustedProxies: parseTrustedProxies(env.AUTH_TRUSTED_PROXIES),
    },
  };
}
