import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  ensureMysqlDatabase,
  ensurePostgresDatabase,
  pingMysql,
  pingPostgres,
} from '../../server/services/ensure-services';

const suffix = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

describe('ensure-services', () => {
  it('creates a PostgreSQL database once, then leaves it alone', async () => {
    const url = `postgres://postgres@127.0.0.1:5432/ensure_pg_${suffix}`;
    try {
      assert.equal(await ensurePostgresDatabase(url, log), true);
      assert.equal(await ensurePostgresDatabase(url, log), false);
      await pingPostgres(url);
    } finally {
      const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "ensure_pg_${suffix}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('creates a MySQL database once, then leaves it alone', async () => {
    const url = `mysql://root@127.0.0.1:3306/ensure_my_${suffix}`;
    try {
      assert.equal(await ensureMysqlDatabase(url, log), true);
      assert.equal(await ensureMysqlDatabase(url, log), false);
      await pingMysql(url);
    } finally {
      const conn = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/' });
      await conn.query(`DROP DATABASE IF EXISTS \`ensure_my_${suffix}\``);
      await conn.end();
    }
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await assert.rejects(
      ensurePostgresDatabase('postgres://postgres@127.0.0.1:5432/a-b', log),
      /plain identifier/,
    );
  });

  it('reports an unreachable server as an error', async () => {
    await assert.rejects(pingPostgres('postgres://postgres@127.0.0.1:1/postgres'), /ECONNREFUSED|connect/);
    await assert.rejects(pingMysql('mysql://root@127.0.0.1:1/'), /ECONNREFUSED|connect/);
  });
});
