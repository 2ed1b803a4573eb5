// Which statements the server path runs: only a pure query (SELECT, WITH … SELECT, VALUES, FROM …, set operations)
// or a plain EXPLAIN of one. The decision is DuckDB's own parser, not a list of forbidden words: json_serialize_sql
// serializes SELECT statements only and reports every other statement type (COPY, EXPLAIN ANALYZE, ATTACH, SET,
// PRAGMA, CALL, INSERT behind a CTE, …) as an error, so a statement kind we never thought of is refused too.
// What is run is exactly the text that was checked (or 'EXPLAIN ' + exactly that text).

import type { DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { collectTableFunctions, parseSelect } from '@/pipelines/engine/parse-select';
import { WorkbenchError } from './workbench-error';

export { collectTableFunctions };

export const PURE_QUERY_HELP =
  'The server path runs only queries: SELECT, WITH … SELECT, or EXPLAIN of one (not EXPLAIN ANALYZE)';

/**
 * Table functions a cell may call by name. A SELECT can still call table functions that change the session or reach
 * outside it: enable_logging(storage = 'file') switches logging to a file (and DuckDB then aborts the whole process
 * when the locked session cannot write it), query()/query_table()/json_execute_serialized_sql run text this check
 * never saw, checkpoint(), enable_profiling(), enable_peg_parser() change state. So this is an allow-list: what is
 * not on it is refused, including functions a later DuckDB adds. The file readers stay: the session's file
 * allow-list confines them to the snapshots' own files.
 */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'histogram',
  'histogram_values',
  'read_parquet',
  'parquet_scan',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'read_csv',
  'read_csv_auto',
  'sniff_csv',
  'read_json',
  'read_json_auto',
  'read_json_objects',
  'read_json_objects_auto',
  'read_ndjson',
  'read_ndjson_auto',
  'read_ndjson_objects',
  'read_text',
  'read_blob',
  'glob',
  'summary',
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_memory',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_temporary_files',
  'duckdb_types',
  'duckdb_variables',
  'duckdb_views',
  'pragma_table_info',
  'pragma_show',
  'pragma_version',
  'pragma_platform',
  'pragma_collations',
  'pragma_database_size',
  'pg_timezone_names',
  'icu_calendar_names',
]);

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
  const parsed = await parseSelect(session, sql);
  if (!parsed.ok) {
    if (parsed.notSelect) throw notReadOnly('this statement is not a query');
    throw new WorkbenchError('QUERY_FAILED', parsed.message);
  }
  const count = parsed.statements.length;
  if (count !== 1) throw notReadOnly(`this cell holds ${count} statements; send exactly one`);
  const refused = collectTableFunctions(parsed.statements).find(
    (name) => !ALLOWED_TABLE_FUNCTIONS.has(name.toLowerCase()),
  );
  if (refused !== undefined) {
    throw notReadOnly(`the table function ${refused || '(unnamed)'}() is not available on the server path`);
  }
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
