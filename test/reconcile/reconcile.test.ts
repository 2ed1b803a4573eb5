// `pipeline reconcile` on the real services: a PostgreSQL source and a MariaDB source, each with a mixed-type
// table (reconcile-scenario.ts), synced into MariaDB.

import { after, before, describe, it } from 'node:test';
import { createTempDatabase, withClient, type TempDatabase } from '../support/postgres';
import { createTestDatabase, mariaDbSkipReason, type TestDatabase } from '../sync/mysql-test-db';
import { ROWS, runReconcileScenario, seedValues } from './reconcile-scenario';

const skip = await mariaDbSkipReason();

function seedRows(): string {
  return Array.from({ length: ROWS }, (_, index) => seedValues(index + 1)).join(',\n');
}

async function countIn(database: TestDatabase, table: string): Promise<number> {
  const [rows] = await database.admin.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number((rows as { n: string }[])[0]?.n);
}

describe('reconcile: PostgreSQL source', { skip }, () => {
  let source: TempDatabase;
  let target: TestDatabase;
  before(async () => {
    source = await createTempDatabase('reconcile_src');
    target = await createTestDatabase('reconcile_pg');
    await withClient(source.url, async (client) => {
      await client.query(`CREATE TABLE rc_items (id integer PRIMARY KEY, big bigint, amount numeric(12,2), label text,
        born date, seen_at timestamp, flag boolean, ratio double precision, updated_at timestamptz NOT NULL)`);
      await client.query(`INSERT INTO rc_items VALUES ${seedRows()}`);
    });
  });
  after(async () => {
    await target?.drop();
    await source?.drop();
  });

  it('finds exactly the broken keys, repairs them in one commit, and the next run stays incremental', async () => {
    await runReconcileScenario(
      {
        kind: 'postgres',
        url: source.url,
        exec: (sql) => withClient(source.url, async (client) => void (await client.query(sql))),
      },
      { url: target.url, count: (table) => countIn(target, table) },
    );
  });
});

describe('reconcile: MariaDB source', { skip }, () => {
  let source: TestDatabase;
  let target: TestDatabase;
  before(async () => {
    source = await createTestDatabase('reconcile_src');
    target = await createTestDatabase('reconcile_my');
    await source.admin
      .query(`CREATE TABLE rc_items (id int PRIMARY KEY, big bigint, amount decimal(12,2), label text,
        born date, seen_at datetime(6), flag boolean, ratio double, updated_at datetime(6) NOT NULL)`);
    await source.admin.query(`INSERT INTO rc_items VALUES ${seedRows()}`);
  });
  after(async () => {
    await target?.drop();
    await source?.drop();
  });

  it('finds exactly the broken keys, repairs them in one commit, and the next run stays incremental', async () => {
    await runReconcileScenario(
      {
        kind: 'mysql',
        url: source.url,
        exec: async (sql) => void (await source.admin.query(sql)),
      },
      { url: target.url, count: (table) => countIn(target, table) },
    );
  });
});
