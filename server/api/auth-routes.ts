// Logic behind /api/auth/*: login, logout, "who am I" and the failed sign-ins. The route files only export these.

import { z } from 'zod';
import { getAuthContext } from '../auth/auth-context';
import { authenticate, authorize } from '../auth/authorize';
import { checkCsrf } from '../auth/csrf';
import { hasPermission, PERMISSIONS, type SessionUser } from '../auth/permissions';
import {
  clearSessionCookieHeader,
  isHttps,
  readSession,
  sealSession,
  sessionCookieHeader,
  sessionExpiresAt,
} from '../auth/session';
import { clientAddress, signIn } from '../auth/sign-in';
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
  const result = await signIn(ctx, { ...input, address: clientAddress(request), via: 'form' });
  if (!result) throw new ApiError('UNAUTHENTICATED', 'Wrong username or password');
  const { sealed } = await sealSession(result.user, ctx.secret, result.generation);
  return jsonResponse(
    { user: presentUser(result.user) },
    { headers: { 'Set-Cookie': sessionCookieHeader(sealed, isHttps(request)) } },
  );
});

/** Ends the session on the server too: the cookie is cleared, and its id is refused from now on even if a copy
 * of it survives (another tab's request in flight, a stolen cookie). */
export const logout = handleRoute(async (request) => {
  checkCsrf(request);
  const ctx = await getAuthContext();
  const session = await readSession(request, ctx.secret);
  if (session) await ctx.revocations.revoke(session.sid, sessionExpiresAt(session));
  return jsonResponse(
    { ok: true },
    {
      headers: {
        'Set-Cookie': clearSessionCookieHeader(isHttps(request)),
        // The workbench keeps lake files it read in the Cache API (app/_workbench/engine/duckdb-worker.ts):
        // "storage" removes them (and this browser's other stored data of the app) when the user signs out.
        'Clear-Site-Data': '"cache", "storage"',
      },
    },
  );
});

export const me = handleRoute(async (request) => {
  const user = await authenticate(request);
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Not logged in');
  return jsonResponse({ user: presentUser(user) });
});

const failedLoginsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

/** GET /api/auth/failed-logins?limit=: the recent failed sign-ins of this web process, newest first (admins). */
export const failedLogins = handleRoute(async (request) => {
  await authorize(request, 'signins:read');
  const { limit } = failedLoginsQuery.parse(Object.fromEntries(new URL(request.url).searchParams.entries()));
  const ctx = await getAuthContext();
  return jsonResponse({ failedLogins: ctx.guard.failures.recent(limit) });
});
