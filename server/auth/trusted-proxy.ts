// Trusted-proxy single sign-on (off unless AUTH_PROXY_HEADER is set): the county's SSO proxy authenticates the
// user and passes the username (and roles) in headers. The web process believes those headers only when the
// request also carries the shared secret (AUTH_PROXY_SECRET in AUTH_PROXY_SECRET_HEADER) that the proxy adds.
//
// Why a secret and not the peer address: Next's route handlers never see the TCP peer, and `next start` copies
// the socket address into X-Forwarded-For only when the client sent none (base-server.js:
// `x-forwarded-for ??= remoteAddress`), so any address a handler can read is one a client can forge.

import { createHash, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role, type SessionUser } from './permissions';

export const DEFAULT_PROXY_SECRET_HEADER = 'x-auth-proxy-secret';

export interface ProxyAuthConfig {
  /** Lower-case header name carrying the username; proxy mode is off when undefined. */
  userHeader: string | undefined;
  rolesHeader: string | undefined;
  /** Lower-case header name carrying the shared secret. */
  secretHeader: string;
  /** The shared secret; required (at start) whenever userHeader is set. */
  secret: string | undefined;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

/** Constant-time comparison of digests: neither the secret's length nor its prefix leaks through timing. */
function secretMatches(sent: string | null, secret: string): boolean {
  if (sent === null) return false;
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/**
 * The user the proxy vouches for, or null when proxy mode is off, the header is absent, or the request does not
 * carry the proxy's secret. Roles outside the known set are ignored; no roles means no permissions.
 */
export function proxyUser(request: Request, config: ProxyAuthConfig): SessionUser | null {
  if (!config.userHeader || !config.secret) return null;
  const username = request.headers.get(config.userHeader)?.trim();
  if (!username) return null;
  if (!secretMatches(request.headers.get(config.secretHeader), config.secret)) return null;
  const rawRoles = config.rolesHeader ? (request.headers.get(config.rolesHeader) ?? '') : '';
  const roles = rawRoles
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return { username, roles: [...new Set(roles)] };
}
