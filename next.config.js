// @ts-check
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
};

export default nextConfig;
