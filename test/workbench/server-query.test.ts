// The server path in-process: Arrow IPC results over snapshots (time travel, deletion vectors), and the sandbox
// that keeps analysts' SQL away from the server's files.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { openSnapshot } from '../../server/api/workbench/catalog';
import { countRows } from '../../server/api/workbench/describe-snapshot';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { queryRequestSchema } from '../../server/api/workbench/query-request';
import { runServerQuery } from '../../server/api/workbench/run-server-query';
import { createLakeFixture, type LakeFixture } from './lake-fixture';

let fixture: LakeFixture;
let context: LakeContext;

before(async () => {
  fixture = await createLakeFixture({ bigRows: 40_000 });
  context = { storage: openLakeStorage(fixture.root), duckdb: await createDuckDbSession() };
});
after(async () => {
  context.duckdb.close();
  await fixture.remove();
});

async function query(sql: string, tables: { view: string; table: string; version?: number }[] = []) {
  const result = await runServerQuery(context, queryRequestSchema.parse({ sql, tables }));
  return { table: tableFromIPC(new Uint8Array(await new Response(result.body).arrayBuffer())), result };
}

test('results stream as Arrow with DuckDB types, in batches, at the requested version', async () => {
  const { table, result } = await query('SELECT id, district, amount FROM big_events ORDER BY id', [
    { view: 'big_events', table: 'big_events' },
  ]);
  assert.equal(table.numRows, 40_000);
  assert.ok(table.batches.length > 1, 'several record batches');
  assert.equal(table.schema.fields[0]?.metadata.get('duckdb_type'), 'BIGINT');
  assert.equal(table.get(39_999)?.id, 39_999n);
  assert.deepEqual(result.versions, { big_events: 0 });
  const v0 = await query('SELECT count(*) AS n FROM t', [{ view: 't', table: 'basic_append', version: 0 }]);
  assert.equal(Number(v0.table.get(0)?.n), 3);
  const byTime = await runServerQuery(
    context,
    queryRequestSchema.parse({
      sql: 'SELECT count(*) AS n FROM t',
      tables: [{ view: 't', table: 'basic_append', timestamp: '2026-11-01 10:00' }],
    }),
  );
  await byTime.body.cancel();
  assert.deepEqual(byTime.versions, { t: 0 });
});

test('an empty result keeps its schema; a cancelled stream stops cleanly', async () => {
  const { table } = await query('SELECT id, note FROM big_events WHERE id < 0', [
    { view: 'big_events', table: 'big_events' },
  ]);
  assert.equal(table.numRows, 0);
  assert.deepEqual(
    table.schema.fields.map((field) => field.name),
    ['id', 'note'],
  );
  const result = await runServerQuery(
    context,
    queryRequestSchema.parse({
      sql: 'SELECT * FROM big_events',
      tables: [{ view: 'big_events', table: 'big_events' }],
    }),
  );
  const reader = result.body.getReader();
  await reader.read();
  await reader.read();
  await reader.cancel();
});

test('deletion vectors are applied on the server path too', async () => {
  const { table } = await query('SELECT count(*) AS n FROM dv', [{ view: 'dv', table: 'dv_partitioned' }]);
  const snapshot = await openSnapshot(context, 'dv_partitioned');
  const deleted = snapshot.files.reduce((sum, file) => sum + (file.deletionVector?.cardinality ?? 0), 0);
  assert.ok(deleted > 0, 'the fixture has deleted rows');
  assert.equal(Number(table.get(0)?.n), countRows(snapshot));
});

test('only one SELECT runs, and nothing outside the named tables can be read', async () => {
  const refused = [
    "SELECT * FROM read_csv('/etc/passwd')",
    `SELECT * FROM read_parquet('${fixture.root}/tables/basic_append/*.parquet')`,
    "COPY (SELECT 1) TO '/tmp/workbench-escape.csv'",
    "ATTACH '/tmp/workbench-escape.db'",
    'SET enable_external_access = true',
    'INSTALL httpfs',
    'SELECT 1; SELECT 2',
  ];
  for (const sql of refused) {
    await assert.rejects(query(sql, [{ view: 'big_events', table: 'big_events' }]), { status: 400 }, sql);
  }
});
