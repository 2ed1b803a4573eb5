// Logic behind /api/auth/*: login, logout and "who am I". The route files only export these.

import { z } from 'zod';
import { getAuthContext } from '../auth/auth-context';
import { authenticate, verifyCredentials } from '../auth/authorize';
import { checkCsrf } from '../auth/csrf';
import { hasPermission, PERMISSIONS, type SessionUser } from '../auth/permissions';
import { clearSessionCookieHeader, isHttps, sealSession, sessionCookieHeader } from '../auth/session';
import { ApiError } from './errors';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';

const loginInput = z.object({
  username: z.string().trim().min(1, 'enter your username').max(64),
  password: z.string().min(1, 'enter your password').max(1024),
});

/** What the UI gets about a user: name, roles, and the permissions those roles grant. */
export function presentUser(user: SessionUser) {
  return {
    username: user.username,
    roles: user.roles,
    permissions: PERMISSIONS.filter((p) => hasPermission(user, p)),
  };
}

export const login = handleRoute(async (request) => {
  checkCsrf(request); // login CSRF: a forged login would bind the victim's browser to another account
  // Sign-in is the one body read before authentication: a username and a password need no more than this.
  const input = loginInput.parse(await readJsonBody(request, 16 * 1024));
  const ctx = await getAuthContext();
  const user = await verifyCredentials(ctx, input.username, input.password);
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Wrong username or password');
  const sealed = await sealSession(user, ctx.secret);
  return jsonResponse(
    { user: presentUser(user) },
    { headers: { 'Set-Cookie': sessionCookieHeader(sealed, isHttps(request)) } },
  );
});

export const logout = handleRoute(async (request) => {
  checkCsrf(request);
  return jsonResponse(
    { ok: true },
    { headers: { 'Set-Cookie': clearSessionCookieHeader(isHttps(request)) } },
  );
});

export const me = handleRoute(async (request) => {
  const user = await authenticate(request);
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Not logged in');
  return jsonResponse({ user: presentUser(user) });
});
