// @ts-check
// The Content-Security-Policy, in plain JavaScript so that next.config.js (which Node loads as it is, without
// TypeScript) builds the static assets' policy from the same code as proxy.ts's per-request one (through
// content-security-policy.ts). Types for TypeScript callers: csp-policy.d.ts.
//
// Offline by construction (ARCHITECTURE.md §4): every page, script, worker, wasm and fetch comes from this
// origin. No 'strict-dynamic': it would switch off 'self', which Monaco's loader relies on when it adds its
// <script src="/vendor/monaco/…"> tags. 'wasm-unsafe-eval' lets DuckDB-WASM compile its module; blob: workers are
// how Monaco and DuckDB-WASM start theirs. Styles keep 'unsafe-inline': Monaco and Chart.js set computed inline
// styles, which cannot carry a nonce. Development adds 'unsafe-eval' for React's dev tooling and webpack's eval
// source maps.

/**
 * The policy's header value; with a nonce, scripts carrying it may run inline (Next's bootstrap scripts).
 * @param {{ nonce?: string; development: boolean }} opts
 * @returns {string}
 */
export function contentSecurityPolicy(opts) {
  const scripts = [
    "'self'",
    ...(opts.nonce ? [`'nonce-${opts.nonce}'`] : []),
    "'wasm-unsafe-eval'",
    ...(opts.development ? ["'unsafe-eval'"] : []),
  ];
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
