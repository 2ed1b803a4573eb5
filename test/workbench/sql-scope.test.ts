// The editor's statement analysis (pure): which relations, aliases, CTEs and columns the cursor can refer to.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseCursor, findColumnInScope, type ScopeCatalog } from '../../app/_workbench/editor/sql-scope';

const catalog: ScopeCatalog = {
  tables: [
    {
      name: 'parcels',
      columns: [
        { name: 'parcel_id', type: 'BIGINT' },
        { name: 'owner', type: 'VARCHAR' },
        { name: 'area', type: 'DOUBLE' },
      ],
    },
    {
      name: 'permits',
      columns: [
        { name: 'permit_id', type: 'BIGINT' },
        { name: 'parcel_id', type: 'BIGINT' },
        { name: 'issued_at', type: 'TIMESTAMP' },
      ],
    },
    { name: 'county_ops/inspections', columns: [{ name: 'inspector', type: 'VARCHAR' }] },
  ],
  results: [{ name: 'recent', columns: [{ name: 'n', type: 'BIGINT' }] }],
};

/** Analyses `sql` with the cursor at the `|` in it. */
function at(sql: string) {
  const offset = sql.indexOf('|');
  assert.notEqual(offset, -1, 'the test SQL marks the cursor with |');
  return analyseCursor(sql.replace('|', ''), offset, catalog);
}

const names = (scope: ReturnType<typeof at>) => scope.relations.map((r) => `${r.name}:${r.kind}`);
const columnsOf = (scope: ReturnType<typeof at>, relation: string) =>
  scope.relations.find((r) => r.name === relation)?.columns.map((c) => `${c.name} ${c.type}`.trim());

test('an alias after the table, with or without AS, and the qualifier being typed', () => {
  const scope = at('SELECT p.| FROM parcels p');
  assert.equal(scope.qualifier, 'p');
  assert.equal(scope.word, '');
  assert.deepEqual(names(scope), ['p:table']);
  assert.deepEqual(columnsOf(scope, 'p'), ['parcel_id BIGINT', 'owner VARCHAR', 'area DOUBLE']);
  const typed = at('SELECT x.ow| FROM parcels AS x WHERE x.area > 1');
  assert.equal(typed.qualifier, 'x');
  assert.equal(typed.word, 'ow');
  assert.deepEqual(names(typed), ['x:table']);
});

test('joins: every table and alias of the statement, time travel and USING included', () => {
  const scope = at(
    'SELECT | FROM parcels VERSION AS OF 3 p\n' +
      '  LEFT JOIN permits AS pe ON pe.parcel_id = p.parcel_id\n' +
      '  JOIN recent USING (n), Permits',
  );
  assert.deepEqual(names(scope), ['p:table', 'pe:table', 'recent:result', 'Permits:table']);
  assert.equal(scope.qualifier, null);
  assert.equal(scope.expects, 'column');
  const found = findColumnInScope(scope, 'parcel_id');
  assert.equal(found?.column.type, 'BIGINT');
  assert.deepEqual(
    found?.relations.map((r) => r.name),
    ['p', 'pe', 'Permits'],
  );
});

test('quoted and schema-qualified names find their table; unknown ones stay unknown', () => {
  const quoted = at('SELECT i.| FROM "county_ops/inspections" i');
  assert.deepEqual(columnsOf(quoted, 'i'), ['inspector VARCHAR']);
  const schema = at("SELECT | FROM main.parcels, nowhere n, read_parquet('x.parquet') AS f");
  assert.deepEqual(names(schema), ['parcels:table', 'n:unknown', 'f:unknown']);
  const quotedAlias = at('SELECT "my p".| FROM parcels "my p"');
  assert.equal(quotedAlias.qualifier, 'my p');
  assert.deepEqual(names(quotedAlias), ['my p:table']);
});

test('CTE names with their columns, listed or inferred from the select list', () => {
  const scope = at(
    'WITH big AS (SELECT p.parcel_id AS id, owner, area * 2 AS double_area, count(*) n FROM parcels p GROUP BY ALL),\n' +
      '     named(a, b) AS (SELECT permit_id, issued_at FROM permits),\n' +
      '     everything AS (SELECT * EXCLUDE (owner) FROM big)\n' +
      'SELECT | FROM big b JOIN named ON true JOIN everything e ON true',
  );
  assert.deepEqual(
    scope.ctes.map((c) => c.name),
    ['everything', 'named', 'big'],
  );
  assert.deepEqual(names(scope), ['b:cte', 'named:cte', 'e:cte']);
  assert.deepEqual(columnsOf(scope, 'b'), ['id BIGINT', 'owner VARCHAR', 'double_area', 'n']);
  assert.deepEqual(columnsOf(scope, 'named'), ['a BIGINT', 'b TIMESTAMP']);
  assert.deepEqual(columnsOf(scope, 'e'), ['id BIGINT', 'double_area', 'n']);
});

test("a subquery's tables do not leak out, and it sees its own and (correlated) the outer ones", () => {
  const outer = at('SELECT | FROM (SELECT parcel_id, owner::VARCHAR AS who FROM parcels x) s');
  assert.deepEqual(names(outer), ['s:subquery']);
  assert.deepEqual(columnsOf(outer, 's'), ['parcel_id BIGINT', 'who VARCHAR']);
  const inner = at('SELECT * FROM parcels p WHERE EXISTS (SELECT 1 FROM permits q WHERE q.parcel_id = |)');
  assert.deepEqual(names(inner), ['q:table', 'p:table']);
  // A FROM subquery is not correlated: it cannot see its siblings.
  const derived = at('SELECT * FROM parcels p, (SELECT | FROM permits) t');
  assert.deepEqual(names(derived), ['permits:table']);
  // Nor can a CTE body see the main query's FROM.
  const cte = at('WITH c AS (SELECT | FROM permits) SELECT * FROM parcels p JOIN c ON true');
  assert.deepEqual(names(cte), ['permits:table']);
  // The cursor in a function call is still in the query around it.
  const call = at('SELECT sum(p.|) FROM parcels p');
  assert.deepEqual(names(call), ['p:table']);
});

test('the cursor in a later statement of a multi-statement cell sees that statement only', () => {
  const sql = 'SELECT * FROM parcels p;\n-- next; one\nSELECT q.| FROM permits q;\nSELECT 1 FROM recent';
  const scope = at(sql);
  assert.deepEqual(names(scope), ['q:table']);
  assert.equal(scope.qualifier, 'q');
  const first = at('SELECT p.| FROM parcels p; SELECT * FROM permits q');
  assert.deepEqual(names(first), ['p:table']);
});

test('after FROM or JOIN a relation is expected; inside strings and comments nothing is', () => {
  assert.equal(at('SELECT * FROM |').expects, 'relation');
  assert.equal(at('SELECT * FROM parcels p JOIN per|').expects, 'relation');
  assert.equal(at('SELECT * FROM parcels p JOIN per|').word, 'per');
  assert.equal(at("SELECT 'p.|' FROM parcels p").expects, 'none');
  assert.equal(at('SELECT 1 -- p.| \nFROM parcels p').expects, 'none');
  assert.equal(at("SELECT * FROM parcels WHERE owner = 'unfinished|").expects, 'none');
});

test('half-written SQL never throws', () => {
  for (const sql of [
    '|',
    'SELECT (|',
    'WITH x AS (| ',
    'WITH x AS|',
    'SELECT * FROM (SELECT|',
    ')))|(((',
    'FROM "|',
  ]) {
    assert.doesNotThrow(() => at(sql), sql);
  }
  // FROM-first: DuckDB's `FROM parcels p SELECT …`.
  assert.deepEqual(names(at('FROM parcels p SELECT p.|')), ['p:table']);
});
