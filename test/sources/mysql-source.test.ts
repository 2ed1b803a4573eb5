// The Source contract on MariaDB (a temp database on the machine's server), plus the MySQL SQL golden tests.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { MysqlSource } from '../../pipelines/sources/mysql/mysql-source';
import { buildMysqlSelect, formatMysqlWatermark } from '../../pipelines/sources/mysql/mysql-sql';
import { mapMysqlType } from '../../pipelines/sources/mysql/type-mapping';
import type { SourceColumn } from '../../pipelines/sources/source';
import { runAbortContract } from './source-abort';
import { runSourceContract } from './source-contract';

const BASE_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

const column = (name: string, sourceType: string): SourceColumn => ({
  name,
  sourceType,
  nullable: true,
  type: mapMysqlType(sourceType),
});

test('MySQL extract SQL (golden)', () => {
  const columns = [column('id', 'bigint(20)'), column('payload', 'varbinary(16)'), column('flags', 'bit(8)')];
  assert.deepEqual(buildMysqlSelect({ table: { schema: 'ops', name: 'items' }, columns }), {
    sql: 'SELECT `id` AS `id`, HEX(`payload`) AS `payload`, CAST(`flags` AS UNSIGNED) AS `flags` FROM `ops`.`items`',
    values: [],
  });
  assert.deepEqual(
    buildMysqlSelect({
      table: { name: 'items' },
      columns: columns.slice(0, 1),
      watermark: { column: 'updated_at', from: '2026-01-01T10:00:00.123456Z' },
    }),
    {
      sql: 'SELECT `id` AS `id` FROM `items` WHERE `updated_at` >= ?',
      values: ['2026-01-01 10:00:00.123456'],
    },
  );
  assert.deepEqual(
    buildMysqlSelect({
      table: { name: 'items' },
      columns: columns.slice(0, 1),
      watermark: { column: 'updated_at', from: '2026-01-01T10:00:00Z', to: '2026-01-02T00:00:00Z' },
    }),
    {
      sql: 'SELECT `id` AS `id` FROM `items` WHERE `updated_at` >= ? AND `updated_at` < ?',
      values: ['2026-01-01 10:00:00', '2026-01-02 00:00:00'],
    },
  );
  assert.equal(formatMysqlWatermark('42'), '42');
});

/** A fresh database (name, a root connection and an admin connection to it). */
async function createDatabase(prefix: string) {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
  let root: mysql.Connection;
  try {
    root = await mysql.createConnection({ uri: BASE_URL, connectTimeout: 5_000, multipleStatements: false });
  } catch (error) {
    throw new Error(`Tests need MariaDB/MySQL at ${BASE_URL}: ${(error as Error).message}`, { cause: error });
  }
  await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const admin = await mysql.createConnection({ uri: `${BASE_URL}/${name}` });
  return { name, root, admin };
}

runSourceContract('MariaDB', async () => {
  const { name, root, admin } = await createDatabase('source_contract');
  return {
    source: new MysqlSource(`${BASE_URL}/${name}`),
    // MariaDB without binary logging has no position to record; with it, a binlog file:position.
    positionKind: (await admin.query<mysql.RowDataPacket[]>('SELECT @@log_bin AS on_'))[0][0]?.on_
      ? 'binlog'
      : 'none',
    async exec(statements) {
      for (const statement of statements) await admin.query(statement);
    },
    setupSql: [
      `CREATE TABLE contract_items (id bigint PRIMARY KEY, amount decimal(12,2), name text, quantity int,
         due date, updated_at datetime(6) NOT NULL, payload varbinary(16))`,
      `INSERT INTO contract_items VALUES
         (1, 12.50, 'alpha', 3, '2026-01-02', '2026-01-01 10:00:00', X'00FF'),
         (2, NULL, 'quote " and, comma\\nnew line', NULL, NULL, '2026-01-01 11:00:00', NULL),
         (3, -0.01, '', 0, '1999-12-31', '2026-01-01 12:00:00.123456', X'41')`,
    ],
    updateSql: `UPDATE contract_items SET name = 'changed', updated_at = '2026-01-02 00:00:00' WHERE id = 1`,
    async killSessions() {
      const [rows] = await root.query<mysql.RowDataPacket[]>(
        'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND ID <> ?',
        [name, admin.threadId],
      );
      for (const row of rows) await root.query(`KILL ${Number(row.ID)}`).catch(() => undefined);
    },
    async close() {
      await admin.end().catch(() => undefined);
      await root.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await root.end();
    },
  };
});

runAbortContract('MariaDB', async () => {
  const { name, root, admin } = await createDatabase('source_abort');
  const reads = async (condition: string) => {
    const [rows] = await root.query<mysql.RowDataPacket[]>(
      `SELECT ID FROM information_schema.PROCESSLIST
       WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO LIKE '%slow_items%' ${condition}`,
      [name],
    );
    return rows.map((row) => String(row.ID));
  };
  return {
    source: new MysqlSource(`${BASE_URL}/${name}`),
    setupSql: [
      'CREATE TABLE abort_digits (n int)',
      'INSERT INTO abort_digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)',
      'CREATE TABLE abort_rows (id bigint PRIMARY KEY, v varchar(400) NOT NULL)',
      `INSERT INTO abort_rows SELECT 1 + a.n + 10 * b.n + 100 * c.n + 1000 * d.n, REPEAT('x', 300)
       FROM abort_digits a, abort_digits b, abort_digits c, abort_digits d WHERE d.n < 2`,
      // A plain (MERGE) view: rows stream in key order and the scan sleeps when it reaches 1001.
      'CREATE VIEW slow_items AS SELECT id, v FROM abort_rows WHERE IF(id = 1001, SLEEP(60), 0) = 0',
    ],
    async exec(statements) {
      for (const statement of statements) await admin.query(statement);
    },
    sleepingReads: () => reads(`AND STATE = 'User sleep'`),
    runningReads: () => reads(''),
    async close() {
      await admin.end().catch(() => undefined);
      await root.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await root.end();
    },
  };
});
