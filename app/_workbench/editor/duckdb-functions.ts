// The functions the browser engine really has, with their signatures and descriptions, read once per page from
// its own `duckdb_functions()` (DuckDB-WASM 1.28 is DuckDB 0.9: a curated list would drift from it). Until the list
// arrives, completion offers the curated names of sql-vocabulary.ts without signatures.

import type { Table } from 'apache-arrow';

export const FUNCTIONS_SQL =
  'SELECT function_name, parameters, parameter_types, return_type, description, function_type ' +
  "FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro', 'table') " +
  'ORDER BY function_name';

export interface FunctionRow {
  function_name: string;
  parameters: readonly string[] | null;
  parameter_types: readonly (string | null)[] | null;
  return_type: string | null;
  description: string | null;
  function_type: string;
}

export interface SqlFunctionInfo {
  name: string;
  /** scalar, aggregate, macro or table. */
  kind: string;
  /** One line per overload: `date_trunc(part VARCHAR, timestamp DATE) → TIMESTAMP`. */
  signatures: string[];
  description: string | null;
}

/** Internal helpers (`__internal…`) and operators (`+`, `~~`) are not written as function calls. */
const CALLABLE = /^[A-Za-z][A-Za-z0-9_]*$/;

function signatureOf(row: FunctionRow): string {
  const names = row.parameters ?? [];
  const types = row.parameter_types ?? [];
  const parameters = names.map((name, n) => [name, types[n]].filter(Boolean).join(' ')).join(', ');
  return `${row.function_name}(${parameters})${row.return_type ? ` → ${row.return_type}` : ''}`;
}

/** One entry per callable name, its overloads as signatures, in name order. */
export function groupFunctions(rows: readonly FunctionRow[]): SqlFunctionInfo[] {
  const byName = new Map<string, SqlFunctionInfo>();
  for (const row of rows) {
    if (!CALLABLE.test(row.function_name)) continue;
    const entry = byName.get(row.function_name) ?? {
      name: row.function_name,
      kind: row.function_type,
      signatures: [],
      description: null,
    };
    const signature = signatureOf(row);
    if (!entry.signatures.includes(signature)) entry.signatures.push(signature);
    entry.description ??= row.description || null;
    byName.set(row.function_name, entry);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Rows of an Arrow result as plain objects (list columns as arrays). */
export function functionRowsOf(table: Table): FunctionRow[] {
  const list = (value: unknown) =>
    value && typeof value === 'object' && 'toArray' in value
      ? Array.from((value as { toArray(): ArrayLike<string | null> }).toArray())
      : null;
  return table.toArray().map((row: Record<string, unknown>) => ({
    function_name: String(row.function_name),
    parameters: list(row.parameters) as string[] | null,
    parameter_types: list(row.parameter_types),
    return_type: (row.return_type as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    function_type: String(row.function_type),
  }));
}

let loading: Promise<void> | null = null;
let known: readonly SqlFunctionInfo[] = [];
let byLowerName = new Map<string, SqlFunctionInfo>();

/** Reads the engine's function list once per page; a failure leaves the curated names and is tried again later. */
export function loadSqlFunctions(engine: { queryMetadata(sql: string): Promise<Table> }): Promise<void> {
  const load = (loading ??= engine.queryMetadata(FUNCTIONS_SQL).then((table) => {
    known = groupFunctions(functionRowsOf(table));
    byLowerName = new Map(known.map((f) => [f.name.toLowerCase(), f]));
  }));
  load.catch(() => {
    if (loading === load) loading = null;
  });
  return load;
}

/** The engine's functions, empty until loadSqlFunctions has answered. */
export function knownFunctions(): readonly SqlFunctionInfo[] {
  return known;
}

export function findFunction(name: string): SqlFunctionInfo | undefined {
  return byLowerName.get(name.toLowerCase());
}
