// The pages' Content-Security-Policy, built per request by proxy.ts with a fresh nonce: Next puts the nonce on
// its own inline bootstrap scripts (it reads it from this header on the request), so scripts need no
// 'unsafe-inline'. Offline by construction (ARCHITECTURE.md §4): every page, script, worker, wasm and fetch
// comes from this origin. No 'strict-dynamic': it would switch off 'self', which Monaco's loader relies on when
// it adds its <script src="/vendor/monaco/…"> tags. 'wasm-unsafe-eval' lets DuckDB-WASM compile its module;
// blob: workers are how Monaco and DuckDB-WASM start theirs. Styles keep 'unsafe-inline': Monaco and Chart.js
// set computed inline styles, which cannot carry a nonce. Development adds 'unsafe-eval' for React's dev tooling
// and webpack's eval source maps.

export function contentSecurityPolicy(opts: { nonce?: string; development: boolean }): string {
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

/** 128 random bits, base64: unguessable per response. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)); // btoa: the proxy may run where Buffer does not exist
}
