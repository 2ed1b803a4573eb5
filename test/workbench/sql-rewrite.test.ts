// Time travel rewriting and DuckDB error positions (pure); parameters are in parameters.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findErrorPosition } from '../../app/_workbench/engine/error-position';
import { rewriteTimeTravel, sqlNameOf, toOriginalOffset } from '../../server/notebooks/sql-rewrite';
import { VIEW_NAME } from '../../server/api/workbench/query-request';

const tables = ['permits', 'parcels'];

test('VERSION AS OF and TIMESTAMP AS OF become snapshot views; plain names the current version', () => {
  const sql =
    "SELECT * FROM permits VERSION AS OF 12 p JOIN Parcels TIMESTAMP AS OF '2026-11-01 10:00' USING (id)\n" +
    'UNION ALL SELECT * FROM permits';
  const rewritten = rewriteTimeTravel(sql, tables);
  assert.match(rewritten.sql, /^SELECT \* FROM permits__v12 p JOIN parcels__ts_[a-z0-9]+ USING \(id\)\n/);
  assert.deepEqual(
    rewritten.refs.map(({ view, table, version, timestamp }) => ({
      view: view.replace(/__ts_.*/, '__ts_'),
      table,
      version,
      timestamp,
    })),
    [
      { view: 'permits__v12', table: 'permits', version: 12, timestamp: undefined },
      { view: 'parcels__ts_', table: 'parcels', version: undefined, timestamp: '2026-11-01 10:00' },
      { view: 'permits', table: 'permits', version: undefined, timestamp: undefined },
    ],
  );
});

test('strings, comments, qualified names and unknown tables are left alone', () => {
  const sql =
    "SELECT 'permits VERSION AS OF 1', x.permits -- permits VERSION AS OF 2\nFROM other /* parcels */";
  const rewritten = rewriteTimeTravel(sql, tables);
  assert.equal(rewritten.sql, sql);
  assert.deepEqual(rewritten.refs, []);
});

test('error offsets in the rewritten SQL map back to the cell', () => {
  const sql = 'SELECT * FROM permits VERSION AS OF 3 WHERE oops';
  const rewritten = rewriteTimeTravel(sql, tables);
  const at = rewritten.sql.indexOf('oops');
  assert.equal(toOriginalOffset(rewritten, at), sql.indexOf('oops'));
});

test('DuckDB error positions: LINE n with a caret, and character offsets', () => {
  const sql = 'SELECT letter\nFORM basic_append';
  const message = 'Parser Error: syntax error at or near "FORM"\n\nLINE 2: FORM basic_append\n        ^';
  assert.deepEqual(findErrorPosition(message, sql), { line: 2, column: 1 });
  assert.deepEqual(findErrorPosition('Binder Error: x at position 7', 'SELECT\nfoo'), { line: 2, column: 1 });
  assert.equal(findErrorPosition('Catalog Error: Table with name x does not exist!', 'SELECT 1'), null);
});

test("a source's table (county_ops/parcels) and a hyphenated one read through identifier-safe views", () => {
  const names = ['county_ops/parcels', 'my-table', 'permits'];
  const sql =
    `SELECT * FROM ${sqlNameOf('county_ops/parcels')} VERSION AS OF 3 a ` +
    `JOIN ${sqlNameOf('county_ops/parcels')} b USING (id) JOIN ${sqlNameOf('my-table')} USING (id)`;
  assert.equal(sqlNameOf('county_ops/parcels'), '"county_ops/parcels"');
  assert.equal(sqlNameOf('permits'), 'permits');
  const rewritten = rewriteTimeTravel(sql, names);
  assert.equal(
    rewritten.sql,
    'SELECT * FROM county_ops_x2f_parcels__v3 a JOIN county_ops_x2f_parcels b USING (id) ' +
      'JOIN my_x2d_table USING (id)',
  );
  assert.deepEqual(
    rewritten.refs.map(({ view, table, version }) => ({ view, table, version })),
    [
      { view: 'county_ops_x2f_parcels__v3', table: 'county_ops/parcels', version: 3 },
      { view: 'county_ops_x2f_parcels', table: 'county_ops/parcels', version: undefined },
      { view: 'my_x2d_table', table: 'my-table', version: undefined },
    ],
  );
  // The server path accepts every view name the rewrite makes; error offsets still map back.
  for (const ref of rewritten.refs) assert.match(ref.view, VIEW_NAME);
  const at = rewritten.sql.indexOf('my_x2d_table');
  assert.equal(toOriginalOffset(rewritten, at), sql.indexOf('"my-table"'));
});

test("table_changes('t', from[, to]) becomes a change view of a known table; anything else is left alone", () => {
  const sql =
    "SELECT * FROM table_changes('permits', 3, 7) c JOIN TABLE_CHANGES(Parcels, 2) d USING (id)\n" +
    "UNION ALL SELECT * FROM table_changes('nope', 1, 2), table_changes('permits', 'x')";
  const rewritten = rewriteTimeTravel(sql, tables);
  assert.equal(
    rewritten.sql,
    'SELECT * FROM permits__changes_3_7 c JOIN parcels__changes_2_latest d USING (id)\n' +
      "UNION ALL SELECT * FROM table_changes('nope', 1, 2), table_changes('permits', 'x')",
  );
  assert.deepEqual(rewritten.refs, [
    { view: 'permits__changes_3_7', table: 'permits', changes: { from: 3, to: 7 } },
    { view: 'parcels__changes_2_latest', table: 'parcels', changes: { from: 2 } },
  ]);
  for (const ref of rewritten.refs) assert.match(ref.view, VIEW_NAME);
  // Error positions after the call map back to the cell's own text.
  const at = rewritten.sql.indexOf(' c JOIN');
  assert.equal(toOriginalOffset(rewritten, at), sql.indexOf(' c JOIN'));
});
