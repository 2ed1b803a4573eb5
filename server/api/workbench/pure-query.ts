// Which statements the server path runs: only a pure query (SELECT, WITH … SELECT, VALUES, FROM …, set operations)
// or a plain EXPLAIN of one. The decision is DuckDB's own parser, not a list of forbidden words: json_serialize_sql
// serializes SELECT statements only and reports every other statement type (COPY, EXPLAIN ANALYZE, ATTACH, SET,
// PRAGMA, CALL, INSERT behind a CTE, …) as an error, so a statement kind we never thought of is refused too.
// What is run is exactly the text that was checked (or 'EXPLAIN ' + exactly that text).

import type { DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { WorkbenchError } from './workbench-error';

export const PURE_QUERY_HELP =
  'The server path runs only queries: SELECT, WITH … SELECT, or EXPLAIN of one (not EXPLAIN ANALYZE)';

interface SerializedSql {
  error?: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

function notReadOnly(detail: string): WorkbenchError {
  return new WorkbenchError('QUERY_NOT_READ_ONLY', `${PURE_QUERY_HELP}; ${detail}`);
}

/** Skips whitespace and comments (`-- …` and `/* … *\/`) at the start of `sql`; returns the offset after them. */
export function skipLeadingTrivia(sql: string, from = 0): number {
  let index = from;
  for (;;) {
    while (index < sql.length && /\s/.test(sql[index] as string)) index += 1;
    if (sql.startsWith('--', index)) {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', index)) {
      const end = sql.indexOf('*/', index + 2);
      // An unterminated comment hides nothing we would run: the parser rejects the text later.
      if (end === -1) return sql.length;
      index = end + 2;
    } else {
      return index;
    }
  }
}

/** Throws unless `sql` is exactly one statement that DuckDB parses as a SELECT. */
export async function assertPureSelect(session: DuckDbSession, sql: string): Promise<void> {
  // A prepared parameter, so the analyst's text is a value here and never part of this statement.
  const prepared = await session.connection.prepare('SELECT json_serialize_sql($1::VARCHAR) AS tree');
  prepared.bindVarchar(1, sql);
  const reader = await prepared.runAndReadAll();
  const tree = JSON.parse(String(reader.getRows()[0]?.[0])) as SerializedSql;
  if (tree.error) {
    const message = tree.error_message ?? 'unreadable statement';
    if (/only select statements/i.test(message)) {
      throw notReadOnly('this statement is not a query');
    }
    throw new WorkbenchError('QUERY_FAILED', message);
  }
  const count = tree.statements?.length ?? 0;
  if (count !== 1) throw notReadOnly(`this cell holds ${count} statements; send exactly one`);
}

/**
 * The text to run for the cell's SQL, after checking it: the SQL itself when it is a pure query, or
 * 'EXPLAIN ' + the checked inner query for a plain EXPLAIN. Anything else throws QUERY_NOT_READ_ONLY.
 */
export async function checkPureQuery(session: DuckDbSession, sql: string): Promise<string> {
  const start = skipLeadingTrivia(sql);
  const explain = /^explain\b/i.exec(sql.slice(start));
  if (!explain) {
    await assertPureSelect(session, sql);
    return sql;
  }
  const inner = sql.slice(start + explain[0].length);
  const innerStart = skipLeadingTrivia(inner);
  // EXPLAIN ANALYZE executes its statement, and EXPLAIN (options) is a different grammar: neither is needed to
  // read a plan, so both are refused outright rather than reasoned about.
  if (/^analy[sz]e\b/i.test(inner.slice(innerStart))) {
    throw notReadOnly('EXPLAIN ANALYZE runs its statement and is not accepted; use EXPLAIN');
  }
  if (inner.slice(innerStart).startsWith('(')) {
    throw notReadOnly('EXPLAIN options are not accepted; use plain EXPLAIN');
  }
  await assertPureSelect(session, inner);
  return `EXPLAIN ${inner}`;
}
