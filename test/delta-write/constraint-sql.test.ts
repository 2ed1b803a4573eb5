// The Spark-SQL-to-DuckDB translation of constraint expressions: what it accepts evaluates in native DuckDB to the
// truth values Spark gives (checked row by row), and what it cannot translate faithfully — or what an attacker
// could write into table metadata (statements, subqueries, comments, arbitrary functions) — is refused.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import type { StructType } from '../../pipelines/delta/schema';
import { compileConstraintExpression } from '../../pipelines/delta/write/constraint-sql';
import { openTestLake, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'Amount', type: 'double', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'unit price', type: 'integer', nullable: true, metadata: {} },
    { name: 'born', type: 'date', nullable: true, metadata: {} },
    {
      name: 'address',
      type: { type: 'struct', fields: [{ name: 'zip', type: 'string', nullable: true, metadata: {} }] },
      nullable: true,
      metadata: {},
    },
  ],
};

// id, Amount, name, unit price, born, address.zip
const ROWS = `SELECT * FROM (VALUES
  (1, 10.5, 'alpha', 3, DATE '1990-05-01', {'zip': '12345'}),
  (2, -1.0, 'beta', 0, DATE '1890-01-01', {'zip': NULL}),
  (3, NULL, NULL, NULL, NULL, NULL)
) t(id, "Amount", name, "unit price", born, address)`;

/** Expression → Spark's result per row above (true / false / null). */
const cases: [string, (boolean | null)[]][] = [
  ['amount > 0', [true, false, null]],
  ['Amount >= 0 AND name IS NOT NULL', [true, false, false]],
  ['amount > 0 OR name = "beta"', [true, true, null]],
  ['NOT (amount > 0)', [false, true, null]],
  ['`unit price` * 2 + 1 = 7', [true, false, null]],
  ['-amount < -10 OR `unit price` % 2 = 0', [true, true, null]],
  ['id IN (1, 3)', [true, false, true]],
  ['id NOT IN (1, 3)', [false, true, false]],
  ['`unit price` BETWEEN 1 AND 3', [true, false, null]],
  ["name LIKE 'a%'", [true, false, null]],
  ["name NOT LIKE '_eta'", [true, false, null]],
  ['name IS NULL', [false, false, true]],
  ['address.zip <=> NULL', [false, true, true]],
  ["address.zip IS NOT DISTINCT FROM '12345'", [true, false, false]],
  ["born > '1900-01-01'", [true, false, null]],
  ["born >= DATE '1990-05-01'", [true, false, null]],
  ['coalesce(amount, 0) >= 0', [true, false, true]],
  ['(abs(amount) > 1) == true', [true, false, null]],
  ['nullif(id, 2) != 2', [true, null, true]],
  ['id / 2 = 0.5', [true, false, false]],
];

test('accepted expressions evaluate in DuckDB to Spark truth values, row by row', async () => {
  for (const [expression, expected] of cases) {
    const compiled = compileConstraintExpression(expression, schema, expression);
    const rows = await lake.duckdb.queryJson(`SELECT ${compiled.sql} AS v FROM (${ROWS}) ORDER BY id`);
    assert.deepEqual(
      rows.map((row) => row.v),
      expected,
      `${expression} → ${compiled.sql}`,
    );
  }
});

test('columns are resolved case-insensitively, quoted in the output and reported for messages', () => {
  const compiled = compileConstraintExpression('AMOUNT > 0 and Address.ZIP is not null', schema, 'c');
  assert.equal(compiled.sql, `(("Amount" > 0) AND (struct_extract("address", 'zip') IS NOT NULL))`);
  assert.deepEqual(
    compiled.columns.map((column) => column.label),
    ['Amount', 'address.zip'],
  );
});

test('anything outside the grammar is refused with a reason, nothing is passed through', () => {
  const refused: [string, RegExp][] = [
    ['amount > 0; DROP TABLE t', /semicolons/],
    ['amount > 0 -- hidden', /comments/],
    ['amount > 0 /* hidden */', /comments/],
    ['amount > (SELECT max(id) FROM t)', /function 'max'|unexpected|not found/],
    ['random() > 0.5', /function 'random'/],
    ["read_text('/etc/passwd') IS NOT NULL", /function 'read_text'/],
    ["upper(name) = 'A'", /function 'upper'/],
    ['CAST(amount AS INT) > 0', /function 'cast'/],
    ["name = 'it\\'s'", /backslash/],
    ["name = 'it''s'", /unexpected token/],
    ['amount > 1L', /unsupported number/],
    ['missing > 0', /column 'missing' is not found/],
    ['name.first = 1', /'name' is not a struct/],
    ['amount = 1 = 1', /chained comparisons/],
    ['name LIKE other', /string literal pattern/],
    ["born > TIMESTAMP '2020-01-01 00:00:00'", /unexpected token|not found/],
    ['amount > 0 && id > 0', /unexpected character '&'/],
    ['', /empty/],
    [
      '(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) = 1',
      /nested too deeply/,
    ],
  ];
  for (const [expression, reason] of refused) {
    assert.throws(
      () => compileConstraintExpression(expression, schema, 'CHECK constraint c'),
      (error: unknown) =>
        isDeltaError(error, 'UNSUPPORTED_CONSTRAINT') &&
        error.message.startsWith('CHECK constraint c:') &&
        reason.test(error.message),
      expression,
    );
  }
});
