// @ts-check

// Offline by construction (ARCHITECTURE.md §4): every page, script, worker, wasm and fetch comes from this origin.
// 'wasm-unsafe-eval' lets DuckDB-WASM compile its module; blob: workers are how Monaco starts its editor worker;
// inline scripts and styles are Next's bootstrap and Monaco's and Chart.js's computed styles. Development adds
// 'unsafe-eval' for React's dev tooling and webpack's eval source maps.
const isDevelopment = process.env.NODE_ENV !== 'production';
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${isDevelopment ? " 'unsafe-eval'" : ''}`,
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
          { key: 'Content-Security-Policy', value: contentSecurityPolicy },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
