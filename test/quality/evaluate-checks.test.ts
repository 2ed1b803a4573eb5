// The check engine on native DuckDB over a small relation: each kind passes on good rows and fails on bad ones
// with the figure it measured; a custom SQL check must be one read-only SELECT over its relation; a check that
// cannot be evaluated fails with the reason; row_count_change measures the change either way.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { parseDefinition } from '../../pipelines/definition/load-definition';
import type { CheckDefinition } from '../../pipelines/definition/definition-schema';
import { evaluateChecks, type CheckTarget } from '../../pipelines/quality/evaluate-checks';

let duckdb: DuckDbSession;
before(async () => {
  duckdb = await createDuckDbSession();
});
after(() => duckdb.close());

const ROWS = `SELECT * FROM (VALUES
  (1, 'open', 10.5, DATE '2024-01-02'),
  (2, 'closed', NULL, DATE '2024-02-03'),
  (2, 'bogus', 99.0, DATE '2031-01-01'),
  (3, 'open', -1.0, NULL)
) AS t(id, status, amount, applied)`;

const target = (extra: Partial<CheckTarget> = {}): CheckTarget => ({
  table: 'permits',
  primaryKey: ['id'],
  stage: 'incoming',
  relationSql: ROWS,
  ...extra,
});

/** Checks as the definition parser gives them (defaults applied). */
function checks(list: unknown[]): CheckDefinition[] {
  const definition = parseDefinition(
    {
      name: 'q',
      source: { name: 's', connection: { kind: 'postgres', urlEnv: 'X' } },
      defaults: { mode: 'full' },
      tables: [{ name: 'permits', primaryKey: ['id'], checks: list }],
    },
    'q.yaml',
  );
  return definition.tables[0]?.checks ?? [];
}

test('built-in checks fail on the bad rows with what they measured, and pass on good ones', async () => {
  const results = await evaluateChecks(
    duckdb,
    checks([
      { kind: 'not_null', columns: ['status', 'amount'] },
      { kind: 'unique' },
      { kind: 'accepted_values', column: 'status', values: ['open', 'closed'], severity: 'warn' },
      { kind: 'range', column: 'amount', min: 0 },
      { kind: 'range', column: 'applied', max: '2030-12-31' },
    ]),
    target(),
  );
  const byCheck = Object.fromEntries(results.map((r) => [r.check, r]));
  assert.equal(byCheck['not_null(status)']?.passed, true);
  assert.equal(byCheck['not_null(amount)']?.passed, false);
  assert.equal(byCheck['not_null(amount)']?.observed, 1);
  assert.equal(byCheck['not_null(amount)']?.column, 'amount');
  assert.equal(byCheck['unique(id)']?.passed, false);
  assert.match(
    byCheck['unique(id)']?.message ?? '',
    /1 value appear more than once \(e\.g\. id=2 appears 2 times\)/,
  );
  const accepted = byCheck['accepted_values(status)'];
  assert.deepEqual([accepted?.passed, accepted?.observed, accepted?.severity], [false, 1, 'warn']);
  assert.match(accepted?.message ?? '', /bogus \(1\)/);
  assert.equal(byCheck['range(amount)']?.observed, 1);
  assert.equal(byCheck['range(applied)']?.observed, 1, 'a date bound compares as a date');
  assert.ok(results.every((r) => r.table === 'permits' && r.stage === 'incoming'));

  const good = await evaluateChecks(
    duckdb,
    checks([
      { kind: 'not_null', columns: ['status'] },
      { kind: 'unique', columns: ['id', 'status'] },
      { kind: 'range', column: 'amount', min: -5, max: 100 },
    ]),
    target(),
  );
  assert.ok(
    good.every((r) => r.passed),
    JSON.stringify(good),
  );
});

test('a custom SQL check returns failing rows or one boolean, over incoming or snapshot', async () => {
  const results = await evaluateChecks(
    duckdb,
    checks([
      {
        kind: 'sql',
        name: 'open has amount',
        sql: "SELECT * FROM incoming WHERE status = 'open' AND amount IS NULL;",
      },
      { kind: 'sql', name: 'positive total', sql: 'SELECT sum(amount) > 0 FROM incoming' },
      {
        kind: 'sql',
        name: 'no negatives',
        sql: 'WITH n AS (SELECT * FROM incoming WHERE amount < 0) SELECT * FROM n',
      },
      { kind: 'sql', name: 'small', sql: 'SELECT count(*) < 2 FROM incoming' },
    ]),
    target(),
  );
  assert.deepEqual(
    results.map((r) => [r.check, r.passed, r.observed]),
    [
      ['sql:open has amount', true, 0],
      ['sql:positive total', true, true],
      ['sql:no negatives', false, 1],
      ['sql:small', false, false],
    ],
  );
  const [onSnapshot] = await evaluateChecks(
    duckdb,
    checks([{ kind: 'sql', name: 'ids', on: 'snapshot', sql: 'SELECT * FROM snapshot WHERE id > 2' }]),
    target({ stage: 'snapshot' }),
  );
  assert.deepEqual([onSnapshot?.stage, onSnapshot?.observed], ['snapshot', 1]);
});

test('a custom SQL check that is not one read-only SELECT over its relation is refused, and fails', async () => {
  const refused = await evaluateChecks(
    duckdb,
    checks([
      { kind: 'sql', name: 'copy', sql: "COPY (SELECT 1) TO '/tmp/quality-check-escape.csv'" },
      { kind: 'sql', name: 'two', sql: 'SELECT 1; SELECT 2' },
      { kind: 'sql', name: 'files', sql: "SELECT * FROM read_csv('/etc/passwd')" },
      { kind: 'sql', name: 'attach', sql: "ATTACH '/tmp/x.db'" },
      { kind: 'not_null', columns: ['missing_column'], severity: 'warn' },
    ]),
    target(),
  );
  assert.ok(
    refused.every((r) => !r.passed && r.observed === null),
    JSON.stringify(refused),
  );
  assert.match(refused[0]?.message ?? '', /single SELECT/);
  assert.match(refused[1]?.message ?? '', /2 statements/);
  assert.match(refused[2]?.message ?? '', /read_csv\(\) is refused/);
  assert.match(refused[4]?.message ?? '', /could not be evaluated: .*missing_column/);
  assert.equal(refused[4]?.severity, 'warn');
  assert.equal(existsSync('/tmp/quality-check-escape.csv'), false, 'the refused COPY wrote nothing');
});

test('row_count_change compares the row counts either way against the limit', async () => {
  const [check] = checks([{ kind: 'row_count_change', maxPercent: 20 }]);
  const at = async (before: number | null, after: number) =>
    (await evaluateChecks(duckdb, [check as CheckDefinition], target({ rowCounts: { before, after } })))[0];
  const dropped = await at(1000, 100);
  assert.deepEqual([dropped?.passed, dropped?.observed, dropped?.stage], [false, 90, 'snapshot']);
  assert.match(dropped?.message ?? '', /1000 → 100 rows \(-90\.0%, limit ±20%\)/);
  assert.equal((await at(1000, 1150))?.passed, true);
  assert.equal((await at(1000, 1250))?.passed, false);
  assert.equal((await at(null, 10))?.passed, true, 'a first load has nothing to compare');
});

test('the definition refuses a range without bounds and an unknown check kind', () => {
  assert.throws(() => checks([{ kind: 'range', column: 'amount' }]), /range check needs min, max or both/);
  assert.throws(() => checks([{ kind: 'fresh', column: 'amount' }]), /INVALID_DEFINITION/);
  assert.throws(
    () => checks([{ kind: 'row_count_change', maxPercent: 20, on: 'incoming' }]),
    /INVALID_DEFINITION/,
  );
});
