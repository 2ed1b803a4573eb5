// Everything authorize() needs, built once per process from the environment: the session secret, the users
// lookup, the session revocations, the sign-in guard (throttle, hash gate, failed-login log) and the proxy
// settings. Rebuilt when the relevant variables change, so tests can point one process at different users files.

import path from 'node:path';
import { loadEnv } from '../config/env';
import { createRevocationStore, revocationsFileFor, type RevocationStore } from './session-revocations';
import { resolveSessionSecret } from './session-secret';
import { createSignInGuard, type SignInGuard } from './sign-in';
import { type ProxyAuthConfig } from './trusted-proxy';
import { createUsersLookup, type UserRecord } from './users-file';

export interface AuthContext {
  secret: string;
  usersFile: string;
  findUser: (username: string) => Promise<UserRecord | undefined>;
  revocations: RevocationStore;
  guard: SignInGuard;
  proxy: ProxyAuthConfig;
}

const CONTEXT_VARIABLES = [
  'USERS_FILE',
  'SESSION_SECRET',
  'AUTH_PROXY_HEADER',
  'AUTH_PROXY_ROLES_HEADER',
  'AUTH_PROXY_SECRET',
  'AUTH_PROXY_SECRET_HEADER',
  'AUTH_LOGIN_FREE_FAILURES',
  'AUTH_LOGIN_FREE_FAILURES_PER_ADDRESS',
  'AUTH_LOGIN_MAX_DELAY_SECONDS',
  'AUTH_MAX_CONCURRENT_HASHES',
] as const;

let cached: { key: string; context: Promise<AuthContext> } | undefined;

export function getAuthContext(
  source: Record<string, string | undefined> = process.env,
): Promise<AuthContext> {
  const env = loadEnv(source);
  const key = JSON.stringify([...CONTEXT_VARIABLES.map((name) => env[name]), source.NODE_ENV]);
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
  const maxDelayMs = env.AUTH_LOGIN_MAX_DELAY_SECONDS * 1000;
  return {
    secret,
    usersFile,
    findUser: createUsersLookup(usersFile),
    revocations: createRevocationStore(revocationsFileFor(usersFile)),
    guard: createSignInGuard({
      perUsername: { freeFailures: env.AUTH_LOGIN_FREE_FAILURES, baseDelayMs: 1000, maxDelayMs },
      perAddress: { freeFailures: env.AUTH_LOGIN_FREE_FAILURES_PER_ADDRESS, baseDelayMs: 1000, maxDelayMs },
      maxConcurrentHashes: env.AUTH_MAX_CONCURRENT_HASHES,
      maxWaitingHashes: env.AUTH_MAX_CONCURRENT_HASHES * 16,
    }),
    proxy: {
      userHeader: env.AUTH_PROXY_HEADER?.toLowerCase(),
      rolesHeader: env.AUTH_PROXY_ROLES_HEADER?.toLowerCase(),
      secretHeader: env.AUTH_PROXY_SECRET_HEADER.toLowerCase(),
      secret: env.AUTH_PROXY_SECRET,
    },
  };
}
