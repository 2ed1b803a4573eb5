// The lake worker's early compile (app/_workbench/engine/wasm-early-compile.ts) with a fake fetch and Node's own
// WebAssembly: the module is fetched once, when the worker starts; DuckDB-WASM's later fetch and streaming
// instantiate of the same URL get the module compiled early; other URLs, and a failed early compile, go through.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installEarlyCompile, type WasmScope } from '../../app/_workbench/engine/wasm-early-compile';

const MODULE_URL = 'http://127.0.0.1:3000/vendor/duckdb/duckdb-eh.wasm?v=1.28.0';
// The smallest valid module: magic and version.
const EMPTY_MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

function fakeScope(answer: (url: string) => Response) {
  const fetched: string[] = [];
  const scope: WasmScope = {
    fetch: (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      fetched.push(url);
      return Promise.resolve(answer(url));
    },
    // A copy: the test must not replace Node's own WebAssembly.instantiateStreaming.
    WebAssembly: {
      compileStreaming: WebAssembly.compileStreaming.bind(WebAssembly),
      instantiate: WebAssembly.instantiate.bind(WebAssembly) as typeof WebAssembly.instantiate,
      instantiateStreaming: WebAssembly.instantiateStreaming.bind(WebAssembly),
    },
  };
  return { scope, fetched };
}

const wasmResponse = () => new Response(EMPTY_MODULE, { headers: { 'Content-Type': 'application/wasm' } });

test('the module is fetched once, at install, and DuckDB-WASM instantiates the early compile', async () => {
  const { scope, fetched } = fakeScope(() => wasmResponse());
  installEarlyCompile(scope, MODULE_URL);
  assert.deepEqual(fetched, [MODULE_URL], 'fetched as soon as the worker starts');
  const answer = await scope.fetch(MODULE_URL);
  assert.equal((await answer.clone().arrayBuffer()).byteLength, 0, 'DuckDB-WASM gets an empty placeholder');
  const { module, instance } = await scope.WebAssembly.instantiateStreaming(answer, {});
  assert.ok(module instanceof WebAssembly.Module);
  assert.ok(instance instanceof WebAssembly.Instance);
  assert.deepEqual(fetched, [MODULE_URL], 'not fetched a second time');
  await scope.fetch('http://127.0.0.1:3000/api/lake/x.parquet');
  assert.equal(fetched.length, 2, 'other URLs go to the network');
});

test('DuckDB-WASM may instantiate the promise of its fetch before it settles', async () => {
  const { scope, fetched } = fakeScope(() => wasmResponse());
  installEarlyCompile(scope, MODULE_URL);
  // As DuckDB-WASM 1.28 does: the fetch starts, and its promise goes to instantiateStreaming in the same tick.
  const { instance } = await scope.WebAssembly.instantiateStreaming(scope.fetch(MODULE_URL), {});
  assert.ok(instance instanceof WebAssembly.Instance);
  assert.equal(fetched.length, 1);
});

test('when the early compile fails, DuckDB-WASM fetches and compiles the module itself', async () => {
  let calls = 0;
  const { scope, fetched } = fakeScope(() => {
    calls += 1;
    return calls === 1 ? new Response('not found', { status: 404 }) : wasmResponse();
  });
  const warn = console.warn;
  console.warn = () => {};
  try {
    installEarlyCompile(scope, MODULE_URL);
    const answer = await scope.fetch(MODULE_URL);
    const { instance } = await scope.WebAssembly.instantiateStreaming(answer, {});
    assert.ok(instance instanceof WebAssembly.Instance);
    assert.equal(fetched.length, 2, 'fetched again, for real');
  } finally {
    console.warn = warn;
  }
});
