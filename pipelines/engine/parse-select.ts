// Is a text exactly one SELECT, and which table functions does it call? DuckDB's own parser decides:
// json_serialize_sql serializes SELECT statements only and reports every other statement type as an error, so a
// statement kind nobody thought of is refused too. Shared by the server's pure-query check (analysts' SQL) and the
// pipelines' custom SQL quality checks.

import type { DuckDbSession } from './duckdb-session';

interface SerializedSql {
  error?: boolean;
  error_message?: string;
  statements?: unknown[];
}

export type ParsedSelect =
  | { ok: true; statements: unknown[] }
  /** notSelect: the text parsed, but holds a statement that is not a query. */
  | { ok: false; notSelect: boolean; message: string };

/** Parses `sql` without running it: its SELECT statements' trees, or why it is not only SELECTs. */
export async function parseSelect(session: DuckDbSession, sql: string): Promise<ParsedSelect> {
  // A prepared parameter, so the checked text is a value here and never part of this statement.
  const prepared = await session.connection.prepare('SELECT json_serialize_sql($1::VARCHAR) AS tree');
  prepared.bindVarchar(1, sql);
  const reader = await prepared.runAndReadAll();
  const tree = JSON.parse(String(reader.getRows()[0]?.[0])) as SerializedSql;
  if (tree.error) {
    const message = tree.error_message ?? 'unreadable statement';
    return { ok: false, notSelect: /only select statements/i.test(message), message };
  }
  return { ok: true, statements: tree.statements ?? [] };
}

/** Names of every table function the serialized tree calls, wherever it sits (joins, subqueries, CTEs). */
export function collectTableFunctions(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const child of node) collectTableFunctions(child, into);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'TABLE_FUNCTION') {
      const fn = record.function as { function_name?: unknown } | undefined;
      into.push(typeof fn?.function_name === 'string' ? fn.function_name : '');
    }
    for (const value of Object.values(record)) collectTableFunctions(value, into);
  }
  return into;
}
