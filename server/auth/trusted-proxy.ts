// Trusted-proxy single sign-on (off unless AUTH_PROXY_HEADER is set): the county's SSO proxy authenticates
// the user and passes the username (and roles) in headers, honoured only from AUTH_TRUSTED_PROXIES.
//
// Limitation: Next's route handlers never see the TCP peer address. `next start` copies the socket address
// into X-Forwarded-For only when that header is absent (base-server.js: `x-forwarded-for ??= remoteAddress`),
// so the rightmost X-Forwarded-For hop is the nearest address we can know. A client that can reach the web
// port directly could forge it: in proxy mode keep the web process reachable only by the proxy (HOST is
// 127.0.0.1 by default, with the proxy on the same machine).

import { ROLES, type Role, type SessionUser } from './permissions';

export interface ProxyAuthConfig {
  /** Lower-case header name carrying the username; proxy mode is off when undefined. */
  userHeader: string | undefined;
  rolesHeader: string | undefined;
  trustedProxies: string[];
}

export function parseTrustedProxies(list: string): string[] {
  return list
    .split(',')
    .map((s) => normalizeAddress(s.trim()))
    .filter((s) => s !== '');
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

/** The nearest known hop: the rightmost X-Forwarded-For entry (see the limitation above). */
export function nearestHop(request: Request): string | undefined {
  const hops = request.headers.get('x-forwarded-for')?.split(',') ?? [];
  const last = hops[hops.length - 1]?.trim();
  return last ? normalizeAddress(last) : undefined;
}

/**
 * The user the proxy vouches for, or null when proxy mode is off, the header is absent, or the request did
 * not come from a trusted proxy. Roles outside the known set are ignored; no roles means no permissions.
 */
export function proxyUser(request: Request, config: ProxyAuthConfig): SessionUser | null {
  if (!config.userHeader) return null;
  const username = request.headers.get(config.userHeader)?.trim();
  if (!username) return null;
  const hop = nearestHop(request);
  if (hop === undefined || !config.trustedProxies.includes(hop)) return null;
  const rawRoles = config.rolesHeader ? (request.headers.get(config.rolesHeader) ?? '') : '';
  const roles = rawRoles
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return { username, roles: [...new Set(roles)] };
}
