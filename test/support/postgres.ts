// Temporary PostgreSQL databases for tests: each test file gets its own database, named with the process id
// and a random suffix so parallel test processes never collide, and dropped WITH (FORCE) so a connection that
// a failing test left open cannot keep it alive.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server's admin database; override with TEST_POSTGRES_ADMIN_URL to point the tests at another server. */
export const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TempDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Its name. */
  name: string;
  /** Drop it, terminating any connection still open; safe to call twice. */
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (cause) {
    const detail =
      cause instanceof Error ? cause.message || String((cause as { code?: string }).code) : String(cause);
    throw new Error(`Tests need PostgreSQL at ${ADMIN_URL} (trust auth): ${detail}`, { cause });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Create an empty database whose name starts with prefix (letters, digits, underscores). */
export async function createTempDatabase(prefix: string): Promise<TempDatabase> {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `test_${clean}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Run work with a connected client, closing it afterwards whatever happens. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Rows of one query, for assertions. */
export async function queryRows<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  return withClient(url, async (client) => (await client.query<R>(sql, params)).rows);
}
