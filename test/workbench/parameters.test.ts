// Typed notebook parameters (pure, plus native DuckDB to prove what the bound SQL means): binding by type, values
// that try to break out of their literal, placeholders in strings and comments left alone, errors with offsets,
// the URL round trip, the old {name: value} parameters, and the file header.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { parseNotebook, serializeNotebook } from '../../server/notebooks/notebook-format';
import type { ParameterDef, ParameterValues } from '../../server/notebooks/parameter-types';
import {
  bindParameters,
  bindParameterSql,
  defaultValues,
  legacyParameterDefs,
  normalizeParameterDefs,
  ParameterError,
  toUnboundOffset,
  validateValues,
  valuesFromSearchParams,
  valuesToSearchParams,
} from '../../server/notebooks/parameters';
import { notebookBodySchema } from '../../server/api/workbench/notebooks';
import type { Notebook } from '../../server/notebooks/types';

const defs: ParameterDef[] = [
  { name: 'who', type: 'text', default: 'ana' },
  { name: 'n', type: 'number', min: -10, max: 100 },
  { name: 'day', type: 'date', default: '2026-11-01' },
  { name: 'period', type: 'date_range', default: { from: '2026-01-01', to: '2026-01-31' } },
  { name: 'zone', type: 'single_choice', options: ['north', 'south'], default: 'north' },
  { name: 'zones', type: 'multi_choice', options: ['north', 'south', "o'hare"] },
  { name: 'district', type: 'single_choice', optionsQuery: 'SELECT DISTINCT district FROM permits' },
  { name: 'districts', type: 'multi_choice', optionsQuery: 'SELECT DISTINCT district FROM permits' },
  { name: 'must', type: 'text', required: true },
];

const bind = (sql: string, values: ParameterValues = {}) => bindParameters(sql, defs, values);

function bindError(sql: string, values: ParameterValues = {}): ParameterError {
  try {
    bind(sql, values);
  } catch (error) {
    assert.ok(error instanceof ParameterError, String(error));
    return error;
  }
  assert.fail(`expected a ParameterError for ${sql}`);
}

let duck: DuckDbSession;
before(async () => {
  duck = await createDuckDbSession({ threads: 1 });
});
after(() => duck?.close());

/** What DuckDB makes of a bound SELECT: one row, as JSON-compatible values. */
async function evaluate(sql: string): Promise<Record<string, unknown>> {
  const rows = await duck.queryJson(sql);
  assert.equal(rows.length, 1);
  return rows[0] as Record<string, unknown>;
}

test('each type binds as a typed literal', () => {
  assert.equal(bind('SELECT {{who}}'), "SELECT 'ana'");
  assert.equal(bind('SELECT {{ who }}', { who: 'bea' }), "SELECT 'bea'");
  assert.equal(bind('x > {{n}}', { n: 42 }), 'x > 42');
  assert.equal(bind('x > {{n}}', { n: 2.5 }), 'x > 2.5');
  assert.equal(bind('x > 5-{{n}}', { n: -3 }), 'x > 5-(-3)');
  assert.equal(bind('d = {{day}}'), "d = DATE '2026-11-01'");
  assert.equal(
    bind('d BETWEEN {{period.from}} AND {{period.to}}'),
    "d BETWEEN DATE '2026-01-01' AND DATE '2026-01-31'",
  );
  assert.equal(bind('z = {{zone}}', { zone: 'south' }), "z = 'south'");
  assert.equal(bind('z IN {{zones}}', { zones: ['north', "o'hare"] }), "z IN ('north', 'o''hare')");
  assert.equal(bind('z IN {{zones}}', { zones: [] }), 'z IN (NULL)');
  // No value and no default: NULL (an optional filter: `{{n}} IS NULL OR x > {{n}}`).
  assert.equal(bind('{{n}} IS NULL OR x > {{n}}'), 'NULL IS NULL OR x > NULL');
  assert.equal(bind('z IN {{zones}}'), 'z IN (NULL)');
  // Values from a query are only known to be text: any string, quoted.
  assert.equal(bind('d = {{district}}', { district: 'x' }), "d = 'x'");
  assert.equal(bind('d IN {{districts}}', { districts: ['a', 'b'] }), "d IN ('a', 'b')");
});

test('a literal never runs into its neighbours', () => {
  assert.equal(bind('SELECT E{{who}}', { who: "\\' OR 1=1 --" }), "SELECT E '\\'' OR 1=1 --'");
  assert.equal(bind("SELECT {{who}}'x'"), "SELECT 'ana' 'x'");
  assert.equal(bind('SELECT 1{{n}}', { n: 5 }), 'SELECT 1 5');
});

test('what DuckDB reads is exactly the value given, whatever it holds', async () => {
  const attacks = [
    "'); DROP TABLE x; --",
    "' OR '1'='1",
    "\\'; SELECT 1; --",
    'a -- comment\nb',
    '/* open comment',
    '$$ dollar $$',
    '{{who}}',
  ];
  for (const attack of attacks) {
    assert.deepEqual(await evaluate(bind('SELECT {{who}} AS v, 1 AS one', { who: attack })), {
      v: attack,
      one: 1,
    });
  }
  const choice: ParameterDef[] = [{ name: 'd', type: 'multi_choice', optionsQuery: 'SELECT 1' }];
  const listed = bindParameters('SELECT list_value{{d}} AS v', choice, { d: ["'); DROP TABLE x; --", 'b'] });
  assert.deepEqual(await evaluate(listed), { v: ["'); DROP TABLE x; --", 'b'] });
  const typed = bind('SELECT {{n}} AS n, {{day}} AS day, typeof({{day}}) AS t, 5-{{n}} AS m', { n: -3 });
  assert.deepEqual(await evaluate(typed), { n: -3, day: '2026-11-01', t: 'DATE', m: 8 });
});

test('a {{x}} inside a string literal, quoted identifier or comment is left alone', () => {
  const untouched = [
    "SELECT '{{who}}'",
    "SELECT 'it''s {{who}}'",
    "SELECT E'\\' {{who}} '",
    'SELECT "{{who}}"',
    'SELECT $$ {{who}} $$, $tag$ {{who}} $tag$',
    'SELECT 1 -- {{who}}',
    'SELECT /* {{who}} /* nested */ {{who}} */ 1',
    "SELECT 'unterminated {{who}}",
    'SELECT {{ 1 }}, {x: {{who', // not placeholders at all
  ];
  for (const sql of untouched) assert.equal(bind(sql), sql, sql);
  assert.equal(
    bind("SELECT '{{who}}', {{who}} -- {{who}}\n, {{who}}"),
    "SELECT '{{who}}', 'ana' -- {{who}}\n, 'ana'",
  );
  assert.equal(bind('SELECT a$b$ {{who}}'), "SELECT a$b$ 'ana'");
});

test('unknown, missing and invalid parameters are errors at their placeholder', () => {
  const unknown = bindError('SELECT 1,\n  {{nope}}');
  assert.equal(unknown.parameter, 'nope');
  assert.equal(unknown.offset, 12);
  assert.match(unknown.message, /\{\{nope\}\} is not a parameter/);
  const missing = bindError('SELECT {{who}}, {{must}}');
  assert.deepEqual([missing.parameter, missing.offset], ['must', 16]);
  assert.match(missing.message, /"must" needs a value/);
  assert.match(bindError('SELECT {{n}}', { n: 'abc' }).message, /not a number: "abc"/);
  assert.match(bindError('SELECT {{n}}', { n: 101 }).message, /at most 100/);
  assert.match(bindError('SELECT {{n}}', { n: Number.NaN }).message, /not a number/);
  assert.match(bindError('SELECT {{day}}', { day: '2026-02-30' }).message, /not a date/);
  assert.match(bindError('SELECT {{day}}', { day: "2026-01-01' OR 1=1" }).message, /not a date/);
  const range = { period: { from: '2026-02-01', to: '2026-01-01' } };
  assert.match(bindError('SELECT {{period.from}}', range).message, /starts after it ends/);
  assert.match(bindError('SELECT {{period}}').message, /write \{\{period.from\}\} and \{\{period.to\}\}/);
  assert.match(bindError('SELECT {{who.from}}').message, /only a date range/);
  assert.match(bindError('SELECT {{zone}}', { zone: "north'; --" }).message, /not one of its options/);
  assert.match(bindError('SELECT {{zones}}', { zones: ['north', 'east'] }).message, /"east"/);
  assert.match(bindError('SELECT {{districts}}', { districts: 'a' }).message, /not a list of choices/);
  assert.match(bindError('SELECT {{district}}', { district: ['a'] }).message, /not a choice/);
  assert.match(bindError('SELECT {{who}}', { who: 'a\0b' }).message, /NUL/);
});

test('error offsets in the bound SQL map back to the cell', () => {
  const sql = "SELECT {{who}}, {{period.from}} AS a, oops FROM t WHERE w = 'x'";
  const bound = bindParameterSql(sql, defs, {});
  const at = bound.sql.indexOf('oops');
  assert.equal(toUnboundOffset(bound, at), sql.indexOf('oops'));
  assert.equal(toUnboundOffset(bound, bound.sql.indexOf('FROM')), sql.indexOf('FROM'));
  assert.equal(toUnboundOffset(bound, 3), 3);
});

test('defaults and validation', () => {
  assert.deepEqual(defaultValues(defs.slice(0, 3)), { who: 'ana', n: null, day: '2026-11-01' });
  assert.deepEqual(
    validateValues(defs, { n: 500, stray: 'x' }).map((e) => [e.parameter, e.message]),
    [
      ['stray', 'There is no parameter named "stray"'],
      ['n', 'Parameter "n" must be at most 100, not 500'],
      ['must', 'Parameter "must" needs a value'],
    ],
  );
  assert.deepEqual(validateValues(defs, { must: 'x' }), []);
  // An empty value means "use the default".
  assert.equal(bind('{{who}}', { who: '' }), "'ana'");
  assert.equal(bind('{{period.to}}', { period: { from: '', to: '' } }), "DATE '2026-01-31'");
});

test('values go into a URL as p.<name> and come back the same', () => {
  const values: ParameterValues = {
    who: "a&b=c 'd'",
    n: -2.5,
    day: '2026-03-04',
    period: { from: '2026-01-01', to: '2026-06-30' },
    zone: 'south',
    zones: ['north', "o'hare"],
    districts: [],
    must: '',
  };
  const params = valuesToSearchParams(defs, values);
  assert.equal(params.get('p.n'), '-2.5');
  assert.equal(params.get('p.period'), '2026-01-01..2026-06-30');
  assert.deepEqual(params.getAll('p.zones'), ['north', "o'hare"]);
  const url = new URL(`https://example.test/workbench/x?${params.toString()}`);
  assert.deepEqual(valuesFromSearchParams(defs, url.searchParams), values);
  // Unknown keys are ignored; a value that does not parse stays as written, for validation to name it.
  const odd = valuesFromSearchParams(defs, new URLSearchParams('p.n=12abc&p.other=1&n=4&p.period=soon'));
  assert.deepEqual(odd, { n: '12abc', period: 'soon' });
  assert.match(bindError('{{n}}', odd).message, /not a number: "12abc"/);
  assert.equal(valuesToSearchParams(defs, { n: null }).toString(), '');
});

test('old {name: value} parameters become text parameters with that default', () => {
  assert.deepEqual(
    legacyParameterDefs({ since: "'2026-11-01'", min_number: '3', "it's": 'x', o: "'a''b'" }),
    [
      { name: 'since', type: 'text', default: '2026-11-01' },
      { name: 'min_number', type: 'text', default: '3' },
      { name: 'o', type: 'text', default: "a'b" },
    ],
  );
  const old = parseNotebook(
    'n',
    `-- Notebook: Old\n-- Parameters: {"since":"'2026-11-01'"}\n\n-- %% sql id=c1\nSELECT 1\n`,
  );
  assert.deepEqual(old.parameters, [{ name: 'since', type: 'text', default: '2026-11-01' }]);
  // The meaning is kept: the old value pasted as written, the new one bound as the same literal.
  assert.equal(bindParameters('x >= {{since}}', old.parameters, {}), "x >= '2026-11-01'");
  // An old client's body is converted the same way.
  const body = notebookBodySchema.parse({ title: 'T', parameters: { since: "'2026-11-01'" }, cells: [] });
  assert.deepEqual(body.parameters, [{ name: 'since', type: 'text', default: '2026-11-01' }]);
});

test('the API refuses malformed definitions with a clear message', () => {
  const refuse = (parameters: unknown, pattern: RegExp) => {
    const result = notebookBodySchema.safeParse({ title: 'T', parameters, cells: [] });
    assert.equal(result.success, false);
    assert.match(JSON.stringify(result.error?.issues), pattern);
  };
  refuse([{ name: 'bad-name', type: 'text' }], /SQL identifier/);
  refuse([{ name: 'x', type: 'colour' }], /type/);
  refuse([{ name: 'x', type: 'number', default: 'three' }], /number parameter's default/);
  refuse([{ name: 'x', type: 'multi_choice', default: 'a' }], /multi_choice parameter's default/);
  refuse(
    [
      { name: 'x', type: 'text' },
      { name: 'x', type: 'date' },
    ],
    /used twice/,
  );
  const ok = notebookBodySchema.parse({ title: 'T', parameters: defs, cells: [] });
  assert.deepEqual(ok.parameters, defs);
});

test('definitions survive the file format, and a hand-edited header keeps what it can', () => {
  const notebook: Notebook = { id: 'p', title: 'Params', parameters: defs, cells: [] };
  const text = serializeNotebook(notebook);
  assert.equal(text.split('\n')[1], `-- Parameters: ${JSON.stringify(defs)}`);
  assert.deepEqual(parseNotebook('p', text), notebook);
  assert.deepEqual(
    normalizeParameterDefs([
      { name: 'a', type: 'number', default: 'x', min: 1, extra: true },
      { name: 'a', type: 'text' },
      { name: '1bad', type: 'text' },
      { name: 'b', type: 'nope' },
      'junk',
      { name: 'c', type: 'multi_choice', options: ['x', 'y'], default: ['x'], required: true },
    ]),
    [
      { name: 'a', type: 'number', min: 1 },
      { name: 'c', type: 'multi_choice', default: ['x'], required: true, options: ['x', 'y'] },
    ],
  );
  assert.deepEqual(parseNotebook('p', '-- Parameters: [not json\n').parameters, []);
});
