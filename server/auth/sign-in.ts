// Every password check, from the login form and HTTP Basic alike, goes through signIn(): the throttle first
// (no hashing while a username or address must wait), then the bounded hash gate, then the failed-login log.

import { ApiError } from '../api/errors';
import { FailedLoginLog } from './failed-logins';
import { HashGate } from './hash-gate';
import { addressKey, LoginThrottle, usernameKey, type ThrottleLimits } from './login-throttle';
import { verifyPassword } from './passwords';
import type { SessionUser } from './permissions';
import { normalizeAddress } from './trusted-proxy';
import { sessionGeneration, type UserRecord } from './users-file';

export interface SignInGuardOptions {
  perUsername: ThrottleLimits;
  perAddress: ThrottleLimits;
  maxConcurrentHashes: number;
  maxWaitingHashes: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface SignInGuard {
  throttle: LoginThrottle;
  gate: HashGate;
  failures: FailedLoginLog;
}

export function createSignInGuard(opts: SignInGuardOptions): SignInGuard {
  return {
    throttle: new LoginThrottle(
      (key) => (key.startsWith('addr:') ? opts.perAddress : opts.perUsername),
      opts.now,
    ),
    gate: new HashGate(opts.maxConcurrentHashes, opts.maxWaitingHashes),
    failures: new FailedLoginLog(1000, opts.log),
  };
}

/**
 * The client's address as far as this process can know it: the rightmost X-Forwarded-For entry. `next start`
 * fills that header from the socket only when the client did not send one, so behind a reverse proxy that
 * appends the client's address it is the proxy's view; a client reaching the web port directly can choose it,
 * which only lets it pick its own per-address throttle key (the per-username throttle still applies).
 */
export function clientAddress(request: Request): string {
  const hops = request.headers.get('x-forwarded-for')?.split(',') ?? [];
  const last = hops[hops.length - 1]?.trim();
  return last ? normalizeAddress(last).slice(0, 64) : 'unknown';
}

export interface SignInAttempt {
  username: string;
  password: string;
  address: string;
  via: 'form' | 'basic';
}

export type SignInResult = { user: SessionUser; generation: number } | null;

/** The user and session generation a username and password sign in, null when wrong; throws RATE_LIMITED. */
export async function signIn(
  ctx: { guard: SignInGuard; findUser: (username: string) => Promise<UserRecord | undefined> },
  attempt: SignInAttempt,
): Promise<SignInResult> {
  const { throttle, gate, failures } = ctx.guard;
  const keys = [usernameKey(attempt.username), addressKey(attempt.address)];
  const entry = { username: attempt.username, address: attempt.address, via: attempt.via };
  const waitMs = throttle.waitMs(keys);
  if (waitMs > 0) {
    failures.record({ ...entry, reason: 'throttled' });
    const seconds = Math.ceil(waitMs / 1000);
    throw new ApiError('RATE_LIMITED', `Too many failed sign-ins; try again in ${seconds} s`, {
      retryAfterSeconds: seconds,
    });
  }
  let record: UserRecord | undefined;
  let valid: boolean;
  try {
    ({ record, valid } = await gate.run(async () => {
      const found = await ctx.findUser(attempt.username);
      // The hash is checked even for an unknown user, so the answer takes as long either way.
      return { record: found, valid: await verifyPassword(found?.passwordHash, attempt.password) };
    }));
  } catch (error) {
    if (error instanceof ApiError) failures.record({ ...entry, reason: 'busy' });
    throw error;
  }
  if (!valid || !record) {
    throttle.recordFailure(keys);
    failures.record({ ...entry, reason: record ? 'wrong-password' : 'unknown-user' });
    return null;
  }
  throttle.recordSuccess(usernameKey(attempt.username));
  return {
    user: { username: record.username, roles: record.roles },
    generation: sessionGeneration(record),
  };
}
