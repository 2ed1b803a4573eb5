// The Source contract on PostgreSQL (a temp database on the machine's server), plus its SQL golden tests.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PostgresSource } from '../../pipelines/sources/postgres/postgres-source';
import { buildPostgresSelect } from '../../pipelines/sources/postgres/postgres-sql';
import { mapPostgresType } from '../../pipelines/sources/postgres/type-mapping';
import type { SourceColumn } from '../../pipelines/sources/source';
import { createTempDatabase, withClient } from '../support/postgres';
import { runAbortContract } from './source-abort';
import { runCsvKillContract, runSourceContract, type SourceFixture } from './source-contract';

const column = (name: string, sourceType: string): SourceColumn => ({
  name,
  sourceType,
  nullable: true,
  type: mapPostgresType(sourceType),
});

test('PostgreSQL extract SQL (golden)', () => {
  const columns = [
    column('id', 'bigint'),
    column('amount', 'numeric(12,2)'),
    column('payload', 'bytea'),
    column('tags', 'text[]'),
    column('updated_at', 'timestamp with time zone'),
  ];
  assert.deepEqual(buildPostgresSelect({ table: { schema: 'ops', name: 'items' }, columns }), {
    text:
      'SELECT "id"::text AS "id", "amount"::text AS "amount", encode("payload", \'hex\') AS "payload", ' +
      'array_to_json("tags")::text AS "tags", "updated_at"::text AS "updated_at" FROM "ops"."items"',
    values: [],
  });
  assert.deepEqual(
    buildPostgresSelect({
      table: { name: 'items' },
      columns: columns.slice(0, 1),
      watermark: { column: 'updated_at', from: '2026-01-01T00:00:00.000Z' },
    }),
    {
      text: 'SELECT "id"::text AS "id" FROM "items" WHERE "updated_at" >= $1',
      values: ['2026-01-01T00:00:00.000Z'],
    },
  );
  // A time-range re-extract reads [from, to).
  assert.deepEqual(
    buildPostgresSelect({
      table: { name: 'items' },
      columns: columns.slice(0, 1),
      watermark: { column: 'updated_at', from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
    }),
    {
      text: 'SELECT "id"::text AS "id" FROM "items" WHERE "updated_at" >= $1 AND "updated_at" < $2',
      values: ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'],
    },
  );
  assert.throws(
    () => buildPostgresSelect({ table: { name: 'items"; --' }, columns }),
    /not a plain identifier/,
  );
});

async function openPostgresFixture(): Promise<SourceFixture> {
  const db = await createTempDatabase('source_contract');
  return {
    source: new PostgresSource(db.url),
    positionKind: 'lsn',
    exec: (statements) =>
      withClient(db.url, async (client) => {
        for (const statement of statements) await client.query(statement);
      }),
    setupSql: [
      `CREATE TABLE contract_items (id bigint PRIMARY KEY, amount numeric(12,2), name text, quantity integer,
         due date, updated_at timestamptz NOT NULL, payload bytea)`,
      `INSERT INTO contract_items VALUES
         (1, 12.50, 'alpha', 3, '2026-01-02', '2026-01-01 10:00:00+00', '\\x00ff'),
         (2, NULL, E'quote " and, comma\\nnew line', NULL, NULL, '2026-01-01 11:00:00+00', NULL),
         (3, -0.01, '', 0, '1999-12-31', '2026-01-01 12:00:00.123456+00', '\\x41')`,
    ],
    updateSql: `UPDATE contract_items SET name = 'changed', updated_at = '2026-01-02 00:00:00+00' WHERE id = 1`,
    killSessions: () =>
      withClient(db.url, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
      }),
    close: () => db.drop(),
  };
}

runSourceContract('PostgreSQL', openPostgresFixture);
runCsvKillContract('PostgreSQL', openPostgresFixture);

runAbortContract('PostgreSQL', async () => {
  const db = await createTempDatabase('source_abort');
  // The read shows as its COPY (the extract's fast path) or as the FETCH of its cursor (readRows).
  const reads = (condition: string) =>
    withClient(db.url, async (client) => {
      const { rows } = await client.query<{ pid: string }>(
        `SELECT pid::text AS pid FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
           AND (query LIKE '%slow_items%' OR query LIKE '%extract_cursor%') ${condition}`,
      );
      return rows.map((row) => row.pid);
    });
  return {
    source: new PostgresSource(db.url),
    setupSql: [
      'CREATE TABLE abort_rows (id bigint PRIMARY KEY, v text NOT NULL)',
      "INSERT INTO abort_rows SELECT g, repeat('x', 300) FROM generate_series(1, 2000) AS g",
      `CREATE FUNCTION pause_at(row_id bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
       BEGIN IF row_id = 1001 THEN PERFORM pg_sleep(60); END IF; RETURN true; END $$`,
      'CREATE VIEW slow_items AS SELECT id, v FROM abort_rows WHERE pause_at(id)',
    ],
    exec: (statements) =>
      withClient(db.url, async (client) => {
        for (const statement of statements) await client.query(statement);
      }),
    sleepingReads: () => reads(`AND wait_event = 'PgSleep'`),
    runningReads: () => reads(''),
    close: () => db.drop(),
  };
});
