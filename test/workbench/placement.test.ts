// Auto placement of a SQL cell (pure): which path a cell runs on and the reason shown under it, from the tables'
// sizes, the columns the SQL names, what the page already holds and whether the result is small.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  columnShare,
  decidePlacement,
  LARGE_READ,
  MAX_UPLOAD_BYTES,
  resultLikelySmall,
  SMALL_READ,
  type PlacementInput,
  type PlacementResult,
  type PlacementTable,
} from '../../app/_workbench/engine/placement';

const MB = 1024 * 1024;
const COLUMNS = ['id', 'district', 'status', 'amount', 'issued_at'];

const table = (overrides: Partial<PlacementTable> = {}): PlacementTable => ({
  table: 'permits',
  sizeBytes: 4 * MB,
  rowCount: 50_000,
  columns: COLUMNS,
  inBrowser: false,
  serverOnly: null,
  changes: false,
  ...overrides,
});

const result = (overrides: Partial<PlacementResult> = {}): PlacementResult => ({
  name: 'result_2',
  cell: 2,
  rows: 1_000,
  bytes: 64 * 1024,
  ...overrides,
});

const decide = (overrides: Partial<PlacementInput>) =>
  decidePlacement({
    choice: 'auto',
    sql: 'SELECT * FROM permits',
    tables: [table()],
    results: [],
    ...overrides,
  });

test('a forced path is kept whatever the data', () => {
  const huge = table({ sizeBytes: 10_000 * MB, rowCount: 500_000_000 });
  assert.deepEqual(decide({ choice: 'browser', tables: [huge] }), {
    runOn: 'browser',
    auto: false,
    reason: 'chosen for this cell',
  });
  assert.deepEqual(decide({ choice: 'server', tables: [table({ sizeBytes: 10, rowCount: 1 })] }), {
    runOn: 'server',
    auto: false,
    reason: 'chosen for this cell',
  });
});

test('re-slicing an earlier result stays in the browser, and says which cell', () => {
  const one = decide({ sql: 'SELECT * FROM result_2 WHERE n > 3', tables: [], results: [result()] });
  assert.equal(one.runOn, 'browser');
  assert.equal(one.auto, true);
  assert.equal(one.reason, 're-slices the result of cell 2');
  // However large the result: it is already in the page.
  const big = result({ rows: 900_000, bytes: 300 * MB });
  assert.equal(decide({ tables: [], results: [big] }).runOn, 'browser');
  const two = decide({ tables: [], results: [result(), result({ name: 'by_day', cell: 4 })] });
  assert.equal(two.reason, 're-slices the results of cells 2, 4');
  const upload = decide({ tables: [], results: [result({ name: 'budget', cell: null })] });
  assert.equal(upload.reason, 're-slices the uploaded table budget');
});

test('SQL that reads no lake table runs in the browser', () => {
  assert.deepEqual(decide({ sql: 'SELECT 42', tables: [] }), {
    runOn: 'browser',
    auto: true,
    reason: 'reads no lake table',
  });
});

test('a small table runs in the browser whatever the result', () => {
  const placement = decide({});
  assert.equal(placement.runOn, 'browser');
  assert.equal(placement.reason, 'reads 50,000 rows, 4 MB of permits, small enough for the browser');
  assert.equal(decide({ sql: 'SELECT district, count(*) FROM permits GROUP BY 1' }).runOn, 'browser');
  // Exactly at the small line is still small.
  const edge = table({ sizeBytes: SMALL_READ.bytes, rowCount: SMALL_READ.rows });
  assert.equal(decide({ tables: [edge] }).runOn, 'browser');
});

test('a large table runs on the server, by bytes or by rows', () => {
  const byBytes = decide({ tables: [table({ sizeBytes: 412 * MB, rowCount: 900_000 })] });
  assert.equal(byBytes.runOn, 'server');
  assert.equal(byBytes.reason, 'reads 900,000 rows, 412 MB of permits');
  const byRows = decide({
    sql: 'SELECT district, avg(amount) FROM permits GROUP BY district',
    tables: [table({ sizeBytes: 20 * MB, rowCount: LARGE_READ.rows + 1 })],
  });
  assert.equal(byRows.runOn, 'server');
  assert.match(
    byRows.reason,
    /^reads 1,000,001 rows, \d+ MB of permits; the result is small \(an aggregate\)$/,
  );
});

test('the reason sums the tables a join reads', () => {
  const placement = decide({
    sql: 'SELECT * FROM permits JOIN parcels USING (id) JOIN owners USING (id)',
    tables: [
      table({ sizeBytes: 200 * MB, rowCount: 3_000_000 }),
      table({ table: 'parcels', sizeBytes: 150 * MB, rowCount: 1_000_000 }),
      table({ table: 'owners', sizeBytes: 62 * MB, rowCount: 400_000 }),
    ],
  });
  assert.equal(placement.runOn, 'server');
  assert.equal(placement.reason, 'reads 4,400,000 rows, 412 MB across 3 tables');
});

test('between the lines, a small result goes to the server and a large one stays in the browser', () => {
  const medium = table({ sizeBytes: 40 * MB, rowCount: 600_000 });
  const aggregate = decide({ sql: 'SELECT status, count(*) FROM permits GROUP BY status', tables: [medium] });
  assert.equal(aggregate.runOn, 'server');
  assert.match(aggregate.reason, /the result is small \(an aggregate\)$/);
  const limited = decide({ sql: 'SELECT * FROM permits ORDER BY amount DESC LIMIT 10', tables: [medium] });
  assert.equal(limited.runOn, 'server');
  assert.match(limited.reason, /the result is small \(LIMIT 10\)$/);
  const rows = decide({ sql: 'SELECT * FROM permits WHERE amount > 10', tables: [medium] });
  assert.equal(rows.runOn, 'browser');
  assert.match(rows.reason, /the result may be as large as the data/);
  // A window function keeps every row, so an aggregate name inside one does not make the result small.
  const windowed = decide({
    sql: 'SELECT id, sum(amount) OVER (PARTITION BY district) FROM permits',
    tables: [medium],
  });
  assert.equal(windowed.runOn, 'browser');
  // A LIMIT too large to count as small.
  assert.equal(decide({ sql: 'SELECT * FROM permits LIMIT 500000', tables: [medium] }).runOn, 'browser');
});

test('data this page already read stays in the browser up to the large line', () => {
  const medium = table({ sizeBytes: 40 * MB, rowCount: 600_000, inBrowser: true });
  const placement = decide({ sql: 'SELECT status, count(*) FROM permits GROUP BY status', tables: [medium] });
  assert.equal(placement.runOn, 'browser');
  assert.match(placement.reason, /already read in this page$/);
  // Every table must be in the page; one that is not still has to be fetched.
  const mixed = decide({
    sql: 'SELECT count(*) FROM permits JOIN parcels USING (id) GROUP BY status',
    tables: [medium, table({ table: 'parcels', sizeBytes: 10 * MB, rowCount: 100_000 })],
  });
  assert.equal(mixed.runOn, 'server');
  const large = decide({ tables: [table({ sizeBytes: 500 * MB, rowCount: 5_000_000, inBrowser: true })] });
  assert.equal(large.runOn, 'server');
});

test('only the columns the SQL names count toward the bytes read', () => {
  // 2 of 5 columns of a 100 MB table: 40 MB, under the large line; with a small result, the server.
  const wide = table({ sizeBytes: 100 * MB, rowCount: 800_000 });
  const narrow = decide({
    sql: 'SELECT district, max(amount) FROM permits GROUP BY district',
    tables: [wide],
  });
  assert.equal(narrow.runOn, 'server');
  assert.match(narrow.reason, /^reads 800,000 rows, 40 MB of permits/);
  // The same table read whole is past the large line.
  assert.match(decide({ sql: 'SELECT * FROM permits', tables: [wide] }).reason, /100 MB/);
  // count(*) needs only the footers.
  const count = decide({ sql: 'SELECT count(*) FROM permits', tables: [table({ sizeBytes: 900 * MB })] });
  assert.deepEqual(count, { runOn: 'browser', auto: true, reason: 'reads only the file footers of permits' });
});

test('a table with no row counts is judged by its bytes', () => {
  const unknown = decide({ tables: [table({ sizeBytes: 300 * MB, rowCount: null })] });
  assert.equal(unknown.runOn, 'server');
  assert.equal(unknown.reason, 'reads 300 MB of permits');
  assert.equal(decide({ tables: [table({ sizeBytes: 2 * MB, rowCount: null })] }).runOn, 'browser');
});

test('earlier results go along to the server, unless they are past what it accepts', () => {
  const big = table({ sizeBytes: 400 * MB, rowCount: 5_000_000 });
  const sql = 'SELECT * FROM permits JOIN result_2 USING (id)';
  const along = decide({ sql, tables: [big], results: [result()] });
  assert.equal(along.runOn, 'server');
  assert.match(along.reason, /; sends the result of cell 2 along$/);
  const tooBig = decide({ sql, tables: [big], results: [result({ bytes: MAX_UPLOAD_BYTES + 1 })] });
  assert.equal(tooBig.runOn, 'browser');
  assert.match(tooBig.reason, /more than the server accepts$/);
  // A small table with a result stays in the browser without a word about uploads.
  const small = decide({ sql, tables: [table()], results: [result({ bytes: MAX_UPLOAD_BYTES + 1 })] });
  assert.equal(small.runOn, 'browser');
  assert.match(small.reason, /small enough for the browser$/);
});

test('table_changes goes to the server whatever the sizes, and is not tried in the browser when busy', () => {
  const feed = table({ sizeBytes: 10 * 1024, rowCount: 12, changes: true });
  const sql = "SELECT * FROM table_changes('permits', 3)";
  assert.deepEqual(decide({ sql, tables: [feed] }), {
    runOn: 'server',
    auto: true,
    reason: 'table_changes runs on the server path only',
    serverOnly: true,
  });
  // Beside a plain table, and beside a table only the server reads: the change feed's reason is the one shown.
  const variants = table({
    table: 'events',
    serverOnly: 'has variant columns, which only the server path decodes',
  });
  const joined = decide({ sql, tables: [variants, table(), feed] });
  assert.equal(joined.reason, 'table_changes runs on the server path only');
  // Forced to a path, it stays there: the browser path refuses the cell with its own message (run-cell.ts).
  assert.deepEqual(decide({ choice: 'browser', sql, tables: [feed] }), {
    runOn: 'browser',
    auto: false,
    reason: 'chosen for this cell',
  });
});

test('a table only the server reads sends a small read to the server, naming the table', () => {
  const serverOnly = 'has variant columns, which only the server path decodes';
  const variants = table({ table: 'events', sizeBytes: 64 * 1024, rowCount: 3, serverOnly, inBrowser: true });
  assert.deepEqual(decide({ sql: 'SELECT * FROM events', tables: [variants] }), {
    runOn: 'server',
    auto: true,
    reason: 'events has variant columns, which only the server path decodes',
    serverOnly: true,
  });
  // Even when it reads only footers, and when the other table of a join is small.
  assert.equal(decide({ sql: 'SELECT count(*) FROM events', tables: [variants] }).runOn, 'server');
  const join = decide({ sql: 'SELECT * FROM permits JOIN events USING (id)', tables: [table(), variants] });
  assert.equal(join.reason, 'events has variant columns, which only the server path decodes');
  // A read the sizes already send to the server keeps its size reason, and is not tried in the browser either.
  const large = decide({ tables: [table({ sizeBytes: 500 * MB, rowCount: 5_000_000, serverOnly })] });
  assert.equal(large.runOn, 'server');
  assert.equal(large.reason, 'reads 5,000,000 rows, 500 MB of permits');
  assert.equal(large.serverOnly, true);
  // Forced to the browser, it stays there: the snapshot route refuses the table with a message naming the server.
  assert.equal(decide({ choice: 'browser', tables: [variants] }).runOn, 'browser');
  // Tables the browser reads are not affected.
  assert.equal(decide({}).serverOnly, undefined);
});

test('resultLikelySmall recognises aggregates, GROUP BY and small LIMITs', () => {
  assert.deepEqual(resultLikelySmall('SELECT count(*) FROM t'), { small: true, why: 'an aggregate' });
  assert.deepEqual(resultLikelySmall('select a from t group by a'), { small: true, why: 'an aggregate' });
  assert.deepEqual(resultLikelySmall('SELECT * FROM t LIMIT 100'), { small: true, why: 'LIMIT 100' });
  assert.equal(resultLikelySmall('SELECT * FROM t').small, false);
  assert.equal(resultLikelySmall('SELECT max_amount FROM t').small, false, 'a column named like a function');
  assert.equal(resultLikelySmall("SELECT 'count(x)' FROM t").small, false, 'a string');
  assert.equal(resultLikelySmall('SELECT a -- count(*)\nFROM t').small, false, 'a comment');
  assert.equal(resultLikelySmall('SELECT row_number() OVER () FROM t').small, false);
});

test('columnShare counts named columns, * and count(*)', () => {
  assert.equal(columnShare('SELECT * FROM t', COLUMNS), 1);
  assert.equal(columnShare('SELECT t.* FROM t', COLUMNS), 1);
  assert.equal(columnShare('SELECT id, * EXCLUDE (amount) FROM t', COLUMNS), 1);
  assert.equal(columnShare('SELECT count(*) FROM t', COLUMNS), 0);
  assert.equal(columnShare('SELECT amount * 2 FROM t', COLUMNS), 1 / 5);
  assert.equal(columnShare('SELECT "District", ID FROM t', COLUMNS), 2 / 5);
  assert.equal(columnShare('SELECT 1 FROM t', []), 1, 'columns unknown: the whole table');
});
