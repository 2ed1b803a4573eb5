// Stops and starts the machine's real PostgreSQL and MariaDB for the fault tests, the way ARCHITECTURE.md §5
// starts them, and waits (bounded) until they answer again. Every test that stops a service starts it again in
// a finally, so a failing assertion never leaves the machine without its databases.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { pingMysql, pingPostgres, startMariadb, startPostgres } from '../../server/services/ensure-services';

const run = promisify(execFile);
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const MARIADB_URL = 'mysql://root@127.0.0.1:3306/';

function postgresVersion(): string {
  const version = (existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : []).sort().at(-1);
  if (!version) throw new Error('PostgreSQL is not installed here (no /etc/postgresql)');
  return version;
}

async function answersWithin(ping: () => Promise<void>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await ping();
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what} did not answer within ${ms / 1000} s`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

export async function stopPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'stop', '-m', 'fast']);
}

export async function startPostgresAndWait(): Promise<void> {
  await startPostgres().catch(() => undefined); // already running is fine; the ping decides
  await answersWithin(() => pingPostgres(POSTGRES_ADMIN_URL), 60_000, 'PostgreSQL');
}

export async function stopMariadb(): Promise<void> {
  // --retry: wait (up to 30 s) until the server has really exited, so the test sees it down.
  await run('start-stop-daemon', ['--stop', '--oknodo', '--retry', '30', '--exec', '/usr/sbin/mariadbd']);
}

export async function startMariadbAndWait(): Promise<void> {
  await startMariadb();
  await answersWithin(() => pingMysql(MARIADB_URL), 60_000, 'MariaDB');
}
