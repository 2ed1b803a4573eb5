// The statement check of the server path on its own (pure-query.ts), on a real DuckDB session: what it accepts,
// what it refuses, and that the text it returns to run is exactly the checked text.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import {
  checkPureQuery,
  collectTableFunctions,
  skipLeadingTrivia,
} from '../../server/api/workbench/pure-query';

let session: DuckDbSession;
before(async () => {
  session = await createDuckDbSession({ threads: 1 });
});
after(() => session.close());

test('queries are run as sent; EXPLAIN runs as EXPLAIN + exactly the checked inner text', async () => {
  for (const sql of [
    'SELECT 1',
    'WITH a AS (SELECT 1 AS x) SELECT * FROM a',
    'FROM range(3)',
    'VALUES (1), (2)',
    '(SELECT 1) UNION ALL (SELECT 2)',
    'SELECT 1;',
    '-- a comment\nSELECT 1',
    'SUMMARIZE SELECT 1 AS a',
  ]) {
    assert.equal(await checkPureQuery(session, sql), sql);
  }
  assert.equal(await checkPureQuery(session, '/* plan */ explain\nSELECT 1'), 'EXPLAIN \nSELECT 1');
});

test('everything else is QUERY_NOT_READ_ONLY; a syntax error stays QUERY_FAILED', async () => {
  for (const sql of [
    'EXPLAIN ANALYZE SELECT 1',
    'explain /* x */ analyse SELECT 1',
    'EXPLAIN (FORMAT JSON) SELECT 1',
    "EXPLAIN COPY (SELECT 1) TO '/tmp/x'",
    "COPY (SELECT 1) TO '/tmp/x'",
    'SELECT 1; SELECT 2',
    'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
    'SELECT * FROM query($$SELECT 1$$)',
    "SELECT * FROM range(1), enable_logging(storage = 'file')",
    'SELECT (SELECT count(*) FROM checkpoint())',
  ]) {
    await assert.rejects(checkPureQuery(session, sql), { reason: 'QUERY_NOT_READ_ONLY', status: 400 }, sql);
  }
  await assert.rejects(checkPureQuery(session, 'SELEC 1'), { reason: 'QUERY_FAILED', status: 400 });
});

test('leading trivia and table functions are found wherever they are', () => {
  assert.equal(skipLeadingTrivia('  -- a\n /* b */ SELECT'), 16);
  assert.equal(skipLeadingTrivia('/* unterminated'), 15);
  const tree = {
    a: [{ type: 'TABLE_FUNCTION', function: { function_name: 'range' } }],
    b: { c: { type: 'TABLE_FUNCTION', function: { function_name: 'glob' } } },
  };
  assert.deepEqual(collectTableFunctions(tree), ['range', 'glob']);
});
