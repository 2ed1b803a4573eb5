// The browser engine's bundle files (app/_workbench/engine/duckdb-bundle.ts): the version in the wasm's URL is the
// installed @duckdb/duckdb-wasm's, since the server marks that URL immutable (next.config.js), and the worker's URL
// names the module it compiles early.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { bundleFiles, DUCKDB_WASM_VERSION, pickBundle } from '../../app/_workbench/engine/duckdb-bundle';

test('the wasm URL carries the installed DuckDB-WASM version', async () => {
  const installed = JSON.parse(
    await readFile(new URL('../../node_modules/@duckdb/duckdb-wasm/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  assert.equal(DUCKDB_WASM_VERSION, installed.version);
  const files = bundleFiles('eh', 'http://127.0.0.1:3000');
  assert.equal(files.module, `http://127.0.0.1:3000/vendor/duckdb/duckdb-eh.wasm?v=${installed.version}`);
  const worker = new URL(files.worker);
  assert.equal(worker.pathname, '/vendor/duckdb/lake-worker-eh.js');
  assert.equal(worker.searchParams.get('wasm'), files.module);
});

test('a runtime with WebAssembly exceptions gets the eh bundle', () => {
  // Node's V8 has them, as Chromium's does.
  assert.equal(pickBundle(), 'eh');
});
