// The contract every route handler codes against: `await authorize(request, 'runs:read')` returns the user
// or throws ApiError (UNAUTHENTICATED, FORBIDDEN, CSRF, RATE_LIMITED). State-changing methods are CSRF-checked first, so
// a forged request is refused before anything else happens. Callers are a trusted proxy's user, HTTP Basic on
// read-only requests (monitoring), or the session cookie.

import { ApiError } from '../api/errors';
import { getAuthContext, type AuthContext } from './auth-context';
import { checkCsrf } from './csrf';
import { hasPermission, type Permission, type SessionUser } from './permissions';
import { readSession } from './session';
import { clientAddress, signIn } from './sign-in';
import { proxyUser } from './trusted-proxy';
import { sessionGeneration } from './users-file';

export type { Permission, SessionUser } from './permissions';

/**
 * `Authorization: Basic` credentials of a read-only request (GET, HEAD), for monitoring that scrapes an endpoint
 * such as /api/sync/status?format=prometheus and cannot hold a session. Never for state-changing methods: a browser
 * resends Basic credentials on its own, as it does cookies, and those requests must stay CSRF-safe.
 */
function readBasicCredentials(request: Request): { username: string; password: string } | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The caller, or null when anonymous. Session users are re-read from the users file on every request, and a
 * session counts only while its user's session generation is unchanged (no password or role change since) and
 * it was not logged out: so those take effect at once, in every process, rather than when the cookie expires.
 * HTTP Basic goes through the sign-in throttle like the login form (RATE_LIMITED when it must wait). */
export async function authenticate(request: Request, context?: AuthContext): Promise<SessionUser | null> {
  const ctx = context ?? (await getAuthContext());
  const fromProxy = proxyUser(request, ctx.proxy);
  if (fromProxy) return fromProxy;
  const basic = readBasicCredentials(request);
  if (basic) {
    const result = await signIn(ctx, { ...basic, address: clientAddress(request), via: 'basic' });
    return result?.user ?? null;
  }
  const session = await readSession(request, ctx.secret);
  if (!session) return null;
  const record = await ctx.findUser(session.username);
  if (!record || sessionGeneration(record) !== session.generation) return null;
  if (await ctx.revocations.isRevoked(session.sid)) return null;
  return { username: record.username, roles: record.roles };
}

export async function authorize(request: Request, permission: Permission): Promise<SessionUser> {
  checkCsrf(request);
  const user = await authenticate(request);
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Log in to continue');
  if (!hasPermission(user, permission)) {
    throw new ApiError(
      'FORBIDDEN',
      `Your roles (${user.roles.join(', ') || 'none'}) do not allow ${permission}; ask an admin`,
    );
  }
  return user;
}
