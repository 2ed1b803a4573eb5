// The contract every route handler codes against: `await authorize(request, 'runs:read')` returns the user
// or throws ApiError (UNAUTHENTICATED, FORBIDDEN, CSRF). State-changing methods are CSRF-checked first, so
// a forged request is refused before anything else happens.

import { ApiError } from '../api/errors';
import { getAuthContext, type AuthContext } from './auth-context';
import { checkCsrf } from './csrf';
import { hasPermission, type Permission, type SessionUser } from './permissions';
import { readSession } from './session';
import { proxyUser } from './trusted-proxy';

export type { Permission, SessionUser } from './permissions';

/** The caller, or null when anonymous. Session users are re-read from the users file on every request, so
 * removing a user or changing their roles takes effect at once rather than when the cookie expires. */
export async function authenticate(request: Request, context?: AuthContext): Promise<SessionUser | null> {
  const ctx = context ?? (await getAuthContext());
  const fromProxy = proxyUser(request, ctx.proxy);
  if (fromProxy) return fromProxy;
  const session = await readSession(request, ctx.secret);
  if (!session) return null;
  const record = await ctx.findUser(session.username);
  if (!record) return null;
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
