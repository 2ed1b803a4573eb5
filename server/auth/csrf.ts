// CSRF defence for state-changing requests, two independent checks:
// 1. the custom header `x-lakehouse-csrf: 1`: a cross-site HTML form cannot set headers, and a cross-site
//    fetch with a custom header needs a CORS preflight that this app never grants;
// 2. when the browser says where the request comes from (Sec-Fetch-Site, Origin), it must be this origin.
// Clients without a browser (curl, tests) send neither Origin nor Sec-Fetch-Site and carry no ambient
// cookies from other sites, so the header alone suffices for them.

import { ApiError } from '../api/errors';

export const CSRF_HEADER = 'x-lakehouse-csrf';
export const CSRF_HEADER_VALUE = '1';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Throws ApiError CSRF unless the request may change state. Safe methods always pass. */
export function checkCsrf(request: Request): void {
  if (!isStateChanging(request.method)) return;
  if (request.headers.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
    throw new ApiError('CSRF', `Refused: state-changing requests must send the header ${CSRF_HEADER}: 1`);
  }
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    throw new ApiError('CSRF', `Refused: a ${site} request cannot change state`);
  }
  const origin = request.headers.get('origin');
  if (origin !== null && !sameOrigin(origin, request)) {
    throw new ApiError('CSRF', `Refused: requests from ${origin} cannot change state`);
  }
}

function sameOrigin(origin: string, request: Request): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // includes the literal "null" origin of sandboxed frames
  }
  // Behind the county proxy the browser's host is in X-Forwarded-Host; Next fills it from Host otherwise.
  const hosts = [
    request.headers.get('x-forwarded-host')?.split(',')[0]?.trim(),
    request.headers.get('host'),
    new URL(request.url).host,
  ];
  return hosts.some((h) => h !== undefined && h !== null && h.toLowerCase() === originHost.toLowerCase());
}
