// A saved file gives the same table on both paths: read as the notebook page reads it (DuckDB-WASM's blocking Node
// build, the page's wasm: read_csv_auto with header = true for CSV; readXlsx → sheetToArrow for Excel; each stored
// through insertArrowTable as BrowserEngine.storeResult does) and as a notebook run loads it (load-saved-files.ts,
// native DuckDB), the column names, types and values agree.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableToIPC, type Table } from 'apache-arrow';
import { sheetToArrow } from '../../app/_workbench/engine/upload-table';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { loadSavedFiles } from '../../server/notebook-runs/load-saved-files';
import { listNotebookFiles, saveNotebookFile } from '../../server/notebooks/notebook-files';
import { readXlsx, writeXlsx } from '../../server/notebooks/xlsx';

const require = createRequire(import.meta.url);

interface WasmConnection {
  query(sql: string): Table;
  insertArrowTable(table: Table, options: { name: string; create: boolean }): void;
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create: boolean }): void;
  close(): void;
}
/** What this test uses of the blocking Node build (its typings are not reachable through the package's exports). */
interface Blocking {
  createDuckDB(
    bundles: Record<'mvp' | 'eh', { mainModule: string; mainWorker: string }>,
    logger: unknown,
    runtime: unknown,
  ): Promise<{
    instantiate(): Promise<unknown>;
    connect(): WasmConnection;
    registerFileBuffer(name: string, bytes: Uint8Array): void;
  }>;
  VoidLogger: new () => unknown;
  NODE_RUNTIME: unknown;
}

const CSV =
  'parcel_id,owner,assessed,acres,listed,sold_at,vacant\n' +
  '101,"Lind, Ada",250000,1.5,2024-03-01,2025-06-30 14:15:00,true\n' +
  '102,Okafor,,0.25,2023-11-20,,false\n';

const XLSX = writeXlsx([
  {
    name: 'Parcels',
    columns: [
      { name: 'parcel_id', type: 'BIGINT' },
      { name: 'zone', type: 'VARCHAR' },
      { name: 'rate', type: 'DOUBLE' },
      { name: 'effective', type: 'DATE' },
      { name: 'reviewed', type: 'TIMESTAMP' },
      { name: 'exempt', type: 'BOOLEAN' },
    ],
    rows: [
      [101n, 'R1', 0.012, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 5, 8, 30, 0, 250), false],
      [102n, null, 0.5, Date.UTC(2025, 6, 1), Date.UTC(2025, 6, 2), true],
    ],
  },
  { name: 'Ignored', columns: [{ name: 'x', type: 'BIGINT' }], rows: [[1n]] },
]);

let dir: string;
let native: DuckDbSession;
let wasm: WasmConnection;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'saved-files-parity-'));
  await saveNotebookFile(dir, 'parity', {
    name: 'parcels_csv',
    format: 'csv',
    bytes: new TextEncoder().encode(CSV),
  });
  await saveNotebookFile(dir, 'parity', { name: 'parcels_xlsx', format: 'xlsx', bytes: XLSX });
  native = await createDuckDbSession({ threads: 1 });
  await loadSavedFiles(native, dir, 'parity', await listNotebookFiles(dir, 'parity'));

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
  wasm = db.connect();
  // The page's two steps: BrowserEngine.readFile, then storeResult.
  db.registerFileBuffer('upload.csv', new TextEncoder().encode(CSV));
  const csv = wasm.query(`SELECT * FROM read_csv_auto('upload.csv', header = true)`);
  wasm.insertArrowTable(csv, { name: 'parcels_csv', create: true });
  // insertArrowTable is tableToIPC then this; done here with the test's own apache-arrow, since duckdb-wasm's
  // CommonJS build requires a second copy of it, whose tableToIPC does not recognise this module's Table.
  const sheet = sheetToArrow(readXlsx(XLSX)[0]!);
  wasm.insertArrowFromIPCStream(tableToIPC(sheet, 'stream'), { name: 'parcels_xlsx', create: true });
});
after(async () => {
  wasm?.close();
  native?.close();
  await rm(dir, { recursive: true, force: true });
});

const describeSql = (table: string) =>
  `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`;
// Text of every value, so both engines' JS value kinds do not matter.
const valuesSql = (table: string) => `SELECT COLUMNS(*)::VARCHAR FROM ${table} ORDER BY ALL`;

const wasmRows = (sql: string) =>
  wasm
    .query(sql)
    .toArray()
    .map((row) => Object.values((row as { toJSON(): Record<string, unknown> }).toJSON()));
const nativeRows = async (sql: string) => (await native.queryJson(sql)).map((row) => Object.values(row));

for (const table of ['parcels_csv', 'parcels_xlsx']) {
  test(`${table}: the run's table has the browser's columns, types and values`, async () => {
    const types = wasmRows(describeSql(table));
    assert.ok(types.length >= 6, JSON.stringify(types));
    assert.equal(wasmRows(valuesSql(table)).length, 2);
    assert.deepEqual(await nativeRows(describeSql(table)), types);
    assert.deepEqual(await nativeRows(valuesSql(table)), wasmRows(valuesSql(table)));
  });
}
