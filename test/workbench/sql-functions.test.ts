// The editor's function list and hover text (pure), over the real browser engine's duckdb_functions(): DuckDB-WASM
// 1.28.0's blocking Node build runs the same wasm the page runs, so the query and the grouping are checked
// against what the browser really answers.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import type { Table } from 'apache-arrow';
import {
  findFunction,
  FUNCTIONS_SQL,
  functionRowsOf,
  groupFunctions,
  loadSqlFunctions,
} from '../../app/_workbench/editor/duckdb-functions';
import { describeAt } from '../../app/_workbench/editor/sql-hover';
import type { ScopeCatalog } from '../../app/_workbench/editor/sql-scope';

const require = createRequire(import.meta.url);
/** What this test uses of the blocking Node build (its typings are not reachable through the package's exports). */
interface Blocking {
  createDuckDB(
    bundles: Record<'mvp' | 'eh', { mainModule: string; mainWorker: string }>,
    logger: unknown,
    runtime: unknown,
  ): Promise<{ instantiate(): Promise<unknown>; connect(): { query(sql: string): unknown; close(): void } }>;
  VoidLogger: new () => unknown;
  NODE_RUNTIME: unknown;
}

async function queryWasm(sql: string): Promise<Table> {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking') as Blocking;
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const db = await duckdb.createDuckDB(
    {
      mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
      eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: '' },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  const conn = db.connect();
  try {
    return conn.query(sql) as unknown as Table;
  } finally {
    conn.close();
  }
}

test("the browser engine's functions, grouped by name with every overload's signature", async () => {
  const functions = groupFunctions(functionRowsOf(await queryWasm(FUNCTIONS_SQL)));
  const byName = new Map(functions.map((f) => [f.name, f]));
  const trunc = byName.get('date_trunc');
  assert.equal(trunc?.kind, 'scalar');
  assert.ok(
    trunc?.signatures.includes('date_trunc(part VARCHAR, timestamp DATE) → TIMESTAMP'),
    String(trunc?.signatures),
  );
  assert.equal(trunc?.description, 'Truncate to specified precision');
  assert.equal(byName.get('sum')?.kind, 'aggregate');
  assert.ok((byName.get('sum')?.signatures.length ?? 0) > 3);
  assert.equal(byName.get('read_parquet')?.kind, 'table');
  // Operators and internal helpers are not offered as calls.
  assert.equal(byName.has('+'), false);
  assert.ok(functions.every((f) => /^[A-Za-z][A-Za-z0-9_]*$/.test(f.name)));
  assert.ok(functions.length > 300, `${functions.length} functions`);
});

test("hover: a column's type and its relation, a function's signatures and description", async () => {
  await loadSqlFunctions({ queryMetadata: queryWasm });
  assert.equal(findFunction('DATE_TRUNC')?.name, 'date_trunc');
  const catalog: ScopeCatalog = {
    tables: [{ name: 'parcels', columns: [{ name: 'area', type: 'DOUBLE' }] }],
    results: [],
  };
  const sql = "SELECT date_trunc('day', now()), p.area, area FROM parcels p";
  const hover = (word: string, nth = 0) => {
    let at = -1;
    for (let n = 0; n <= nth; n += 1) at = sql.indexOf(word, at + 1);
    return describeAt(sql, at + word.length, word, catalog);
  };
  assert.match(hover('area') ?? '', /\*\*area\*\* `DOUBLE`\n\ncolumn of parcels \(p\)/);
  assert.match(hover('area', 1) ?? '', /`DOUBLE`/);
  assert.match(
    hover('date_trunc') ?? '',
    /date_trunc\(part VARCHAR, timestamp TIMESTAMP\) → TIMESTAMP[\s\S]*Truncate/,
  );
  assert.match(hover('parcels') ?? '', /\*\*table parcels as p\*\*|\*\*parcels\*\*/);
  assert.equal(describeAt("SELECT 'area' FROM parcels", 12, 'area', catalog), null);
});
