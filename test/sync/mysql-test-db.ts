// A throwaway MariaDB database per test file (dropped afterwards). When MariaDB is down the tests skip and say
// why, except under CI (process.env.CI set), where a missing service must fail the run, never pass it silently.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { connectMySql, type ConnectMySql } from '../../pipelines/sync/mysql/connection';

export const MYSQL_BASE_URL = process.env.SYNC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  name: string;
  url: string;
  connect: ConnectMySql;
  /** An admin connection to the test database (plain mysql2, for assertions and KILL). */
  admin: mysql.Connection;
  drop(): Promise<void>;
}

export async function isMySqlAvailable(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: MYSQL_BASE_URL, connectTimeout: 3000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * `false` when MariaDB answers, else the reason to skip. Under CI it also registers a failing test in the calling
 * file, so the file (and the run) fails with the reason instead of reporting skips.
 */
export async function mariaDbSkipReason(): Promise<string | false> {
  if (await isMySqlAvailable()) return false;
  const reason = `MariaDB is not reachable at ${MYSQL_BASE_URL}`;
  if (process.env.CI) {
    test('MariaDB is reachable (required under CI)', () => {
      assert.fail(`${reason}; CI is set, so this is a failure, not a skip (npm run services starts it)`);
    });
  }
  return reason;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const root = await mysql.createConnection({ uri: MYSQL_BASE_URL });
  await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await root.end();
  const url = `${MYSQL_BASE_URL}/${name}`;
  const admin = await mysql.createConnection({
    uri: url,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    name,
    url,
    connect: () => connectMySql(url),
    admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
