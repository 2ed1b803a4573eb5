// Next.js proxy (formerly middleware): gives every page a Content-Security-Policy with a fresh
// script nonce (server/http/content-security-policy.ts). The nonce goes on the request's CSP header too, which
// is where Next's renderer reads it to stamp its inline scripts; pages are rendered per request for that
// (app/layout.tsx). Static build assets get their fixed policy from next.config.js instead.

import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, createNonce } from './server/http/content-security-policy';

export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const policy = contentSecurityPolicy({ nonce, development: process.env.NODE_ENV !== 'production' });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Pages only. Next's hashed build assets never render HTML, and the API must not pass through a proxy: Next
  // buffers the body of a request that does, before the route handler can refuse it (401 first, 413 while it
  // streams). next.config.js gives both their fixed policy.
  matcher: ['/((?!_next/static|_next/image|api/).*)'],
};
