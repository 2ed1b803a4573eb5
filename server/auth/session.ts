// Sessions are iron-session sealed cookies (encrypted and signed), httpOnly and SameSite=Lax so scripts cannot
// read them and cross-site POSTs do not carry them. A sealed cookie alone cannot be taken back, so each carries
// a random id (revoked at logout, see session-revocations.ts) and the user's session generation from the users
// file (bumped by a password or role change, see users-file.ts); authenticate() checks both on every request.

import { randomBytes } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { z } from 'zod';
import { ROLES, type SessionUser } from './permissions';

export const SESSION_COOKIE = 'lakehouse_session';
/** Eight hours: a working day; after that the user logs in again. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

const sessionSchema = z.object({
  username: z.string().min(1),
  roles: z.array(z.enum(ROLES)),
  issuedAt: z.number(),
  /** Random session id: what logout revokes. */
  sid: z.string().min(16),
  /** The user's session generation when the session was issued. */
  generation: z.number().int().min(0),
});

export type SessionClaims = z.infer<typeof sessionSchema>;

export async function sealSession(
  user: SessionUser,
  secret: string,
  generation: number,
  now = Date.now(),
): Promise<{ sealed: string; claims: SessionClaims }> {
  const claims: SessionClaims = {
    username: user.username,
    roles: user.roles,
    issuedAt: now,
    sid: randomBytes(18).toString('base64url'),
    generation,
  };
  const sealed = await sealData(claims, { password: secret, ttl: SESSION_TTL_SECONDS });
  return { sealed, claims };
}

/** When a session issued at `issuedAt` (ms) stops being accepted anyway. */
export function sessionExpiresAt(claims: Pick<SessionClaims, 'issuedAt'>): number {
  return claims.issuedAt + SESSION_TTL_SECONDS * 1000;
}

/** The claims in the request's session cookie, or null when it is missing, tampered with or expired. Whether
 * the session was revoked since is the caller's question (authenticate). */
export async function readSession(request: Request, secret: string): Promise<SessionClaims | null> {
  const sealed = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  if (!sealed) return null;
  try {
    const data = await unsealData(sealed, { password: secret, ttl: SESSION_TTL_SECONDS });
    const parsed = sessionSchema.safeParse(data);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Secure only over HTTPS (directly or as told by the proxy), so the demo still works on plain http. */
export function isHttps(request: Request): boolean {
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return proto === 'https' || new URL(request.url).protocol === 'https:';
}

export function sessionCookieHeader(sealed: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(sealed)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${SESSION_TTL_SECONDS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearSessionCookieHeader(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
