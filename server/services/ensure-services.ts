// Makes sure the machine's PostgreSQL and MariaDB answer (starting them the way ARCHITECTURE.md §5 says when
// they have stopped) and that the databases the product needs exist. Used by `npm run demo`, `npm test` and
// .ci/run, so a fresh machine of the project's kind needs nothing done by hand.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, chownSync } from 'node:fs';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { databaseName, redactUrl } from '../config/env';
import { logCleanupFailure } from '@/pipelines/support/cleanup';

const run = promisify(execFile);

export type Log = (line: string) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same server with the maintenance database, for CREATE DATABASE. */
function postgresAdminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function mysqlServerUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/';
  return u.toString();
}

export async function pingPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(logCleanupFailure('client.end()'));
  }
}

export async function pingMysql(url: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
  try {
    await conn.query('SELECT 1');
  } finally {
    await conn.end().catch(logCleanupFailure('conn.end()'));
  }
}

export async function startPostgres(): Promise<void> {
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  const version = versions.sort().at(-1);
  if (!version)
    throw new Error('PostgreSQL is not installed (no /etc/postgresql); install the postgresql package');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
}

export async function startMariadb(): Promise<void> {
  if (!existsSync('/run/mysqld')) {
    mkdirSync('/run/mysqld', { recursive: true });
    const { stdout } = await run('id', ['-u', 'mysql']).catch(() => ({ stdout: '' }));
    const { stdout: gid } = await run('id', ['-g', 'mysql']).catch(() => ({ stdout: '' }));
    if (stdout.trim() && gid.trim()) chownSync('/run/mysqld', Number(stdout), Number(gid));
  }
  await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
}

/** Ping; if the service does not answer, start it once and wait up to `waitMs` for it to answer. */
async function ensureAnswers(
  name: string,
  ping: () => Promise<void>,
  start: () => Promise<void>,
  log: Log,
  waitMs = 30_000,
): Promise<void> {
  try {
    await ping();
    return;
  } catch (first) {
    log(`${name} does not answer (${(first as Error).message}); starting it`);
  }
  try {
    await start();
  } catch (error) {
    throw new Error(`${name} could not be started: ${(error as Error).message}`, { cause: error });
  }
  const deadline = Date.now() + waitMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await ping();
      log(`${name} is up`);
      return;
    } catch (error) {
      last = error;
      await sleep(500);
    }
  }
  throw new Error(`${name} was started but did not answer within ${waitMs / 1000} s`, { cause: last });
}

/** PostgreSQL and MariaDB answer at the URLs given (their servers, not necessarily the databases). */
export async function ensureServices(opts: {
  postgresUrl: string;
  mysqlUrl: string;
  log: Log;
}): Promise<void> {
  await ensureAnswers(
    'PostgreSQL',
    () => pingPostgres(postgresAdminUrl(opts.postgresUrl)),
    startPostgres,
    opts.log,
  );
  await ensureAnswers('MariaDB', () => pingMysql(mysqlServerUrl(opts.mysqlUrl)), startMariadb, opts.log);
}

/** Create the PostgreSQL database named in the URL if it does not exist; true when it was created. */
export async function ensurePostgresDatabase(url: string, log: Log): Promise<boolean> {
  const name = databaseName(url);
  const client = new pg.Client({ connectionString: postgresAdminUrl(url), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    // The name was validated as a plain identifier by databaseName(); quoting keeps its case.
    await client.query(`CREATE DATABASE "${name}"`);
    log(`created PostgreSQL database ${name} (${redactUrl(url)})`);
    return true;
  } catch (error) {
    // Two processes may race to create it; the loser sees duplicate_database (42P04).
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

/** Create the MySQL database named in the URL if it does not exist; true when it was created. */
export async function ensureMysqlDatabase(url: string, log: Log): Promise<boolean> {
  const name = databaseName(url);
  const conn = await mysql.createConnection({ uri: mysqlServerUrl(url), connectTimeout: 5000 });
  try {
    const [rows] = await conn.query(
      'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [name],
    );
    if ((rows as unknown[]).length > 0) return false;
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    log(`created MySQL database ${name} (${redactUrl(url)})`);
    return true;
  } finally {
    await conn.end();
  }
}
