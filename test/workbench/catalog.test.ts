// Catalog commands over a temporary lake: table list, snapshot views (files, DV rows, scan SQL), history.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listTables, getHistory, getSnapshotView } from '../../server/api/workbench/catalog';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { createLakeFixture, type LakeFixture } from './lake-fixture';

let fixture: LakeFixture;
let context: LakeContext;

before(async () => {
  fixture = await createLakeFixture({ bigRows: 20_000 });
  context = { storage: openLakeStorage(fixture.root), duckdb: await createDuckDbSession() };
});

after(async () => {
  context.duckdb.close();
  await fixture.remove();
});

test('lists every table with version, schema, rows and size', async () => {
  const tables = await listTables(context);
  const byName = new Map(tables.map((table) => [table.name, table]));
  assert.deepEqual([...byName.keys()].sort(), [
    'basic_append',
    'basic_partitioned',
    'big_events',
    'dv_partitioned',
  ]);
  const append = byName.get('basic_append');
  assert.equal(append?.version, 1);
  assert.equal(append?.rowCount, 5);
  assert.deepEqual(
    append?.columns.map((c) => [c.name, c.duckdbType]),
    [
      ['letter', 'VARCHAR'],
      ['number', 'BIGINT'],
      ['a_float', 'DOUBLE'],
    ],
  );
  assert.ok((append?.sizeBytes ?? 0) > 0);
  assert.equal(byName.get('big_events')?.rowCount, 20_000);
  assert.deepEqual(byName.get('basic_partitioned')?.partitionColumns, ['letter']);
});

test('a snapshot view reads the same rows as the Delta reader, at any version', async () => {
  for (const version of [0, 1]) {
    const view = await getSnapshotView(context, 'basic_append', { version });
    assert.equal(view.version, version);
    assert.ok(view.files.every((file) => file.url.startsWith('/api/lake/tables/basic_append/')));
    // The scan SQL names files as lake/<path>; natively, point those names at the real files.
    let sql = view.scanSql;
    for (const file of view.files)
      sql = sql.split(`'lake/${file.path}'`).join(`'${fixture.root}/${file.path}'`);
    const rows = await context.duckdb.queryJson(`SELECT count(*)::INT AS n FROM (${sql})`);
    assert.equal(rows[0]?.n, version === 0 ? 3 : 5);
  }
});

test('deletion vector rows are listed and filtered', async () => {
  const view = await getSnapshotView(context, 'dv_partitioned', {});
  const withDv = view.files.filter((file) => file.deletedRows && file.deletedRows.length > 0);
  assert.ok(withDv.length > 0, 'the table has files with deletion vectors');
  assert.match(view.scanSql, /file_row_number NOT IN/);
});

test('history lists commits newest first with their operation', async () => {
  const history = await getHistory(context, 'basic_append', 10);
  assert.deepEqual(
    history.map((entry) => entry.version),
    [1, 0],
  );
  assert.equal(history[1]?.operation, 'WRITE');
});

test('an unknown table is a 404', async () => {
  await assert.rejects(getSnapshotView(context, 'nope', {}), (error: Error & { status?: number }) => {
    assert.equal(error.status, 404);
    return true;
  });
  await assert.rejects(getSnapshotView(context, '../etc', {}), { status: 404 });
});
