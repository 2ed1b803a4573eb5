// @ts-check

import { contentSecurityPolicy } from './server/http/csp-policy.js';

// Pages get their Content-Security-Policy, with a per-request script nonce, from proxy.ts
// (server/http/content-security-policy.ts). Next's hashed build assets and the API do not pass through the proxy
// (a proxy makes Next buffer request bodies, which would undo the API's streamed size limits and its 401 before
// any body is read); they get the same policy, built by the same code (server/http/csp-policy.js, which explains
// each directive), without a nonce (no inline script runs from them), so a worker started from one of them is as
// confined as the page.
const staticAssetPolicy = contentSecurityPolicy({ development: process.env.NODE_ENV !== 'production' });

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native DuckDB and the database drivers must stay as Node requires on the server, never bundled.
  serverExternalPackages: [
    '@duckdb/node-api',
    '@duckdb/node-bindings',
    'pg',
    'pg-copy-streams',
    'mysql2',
    'agenda',
  ],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
      {
        source: '/_next/static/:path*',
        headers: [{ key: 'Content-Security-Policy', value: staticAssetPolicy }],
      },
      { source: '/_next/image', headers: [{ key: 'Content-Security-Policy', value: staticAssetPolicy }] },
      {
        // DuckDB-WASM's modules (18 MB), asked for with the package version in the URL
        // (app/_workbench/engine/duckdb-bundle.ts): a version never changes, so a second visit takes the module
        // from the HTTP cache without asking, and Chrome's wasm code cache (kept with that entry) skips compiling.
        source: '/vendor/duckdb/:module(duckdb-eh\\.wasm|duckdb-mvp\\.wasm)',
        has: [{ type: 'query', key: 'v' }],
        headers: [{ key: 'Cache-Control', value: 'public, max-age=31536000, immutable' }],
      },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: staticAssetPolicy }] },
    ];
  },
};

export default nextConfig;
