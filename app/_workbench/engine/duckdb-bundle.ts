'use client';
// Which DuckDB-WASM build the page runs and where its files are served (ARCHITECTURE.md §4: eh bundle, mvp as
// fallback, served from /vendor/duckdb by server/cli/copy-vendor.ts, never a CDN).
//
// The wasm (18 MB) is the slowest part of opening the engine, so its URL carries the package version: the server
// marks it immutable (next.config.js), a second visit takes it from the HTTP cache without asking, and Chrome's
// wasm code cache, which is keyed by the response in that cache, skips most of the compiling. The worker's URL
// names the module, so the worker starts fetching and compiling it the moment it runs (duckdb-worker.ts), while
// the page is still loading DuckDB-WASM's JavaScript.

/** The installed @duckdb/duckdb-wasm (package-lock.json pins it; test/workbench/duckdb-bundle.test.ts checks). */
export const DUCKDB_WASM_VERSION = '1.28.0';

export type BundleName = 'eh' | 'mvp';

export interface BundleFiles {
  /** Absolute URL of the wasm module. */
  module: string;
  /** Absolute URL of the lake worker script, naming the module it compiles. */
  worker: string;
}

export function bundleFiles(name: BundleName, origin: string): BundleFiles {
  const module = new URL(`/vendor/duckdb/duckdb-${name}.wasm?v=${DUCKDB_WASM_VERSION}`, origin).href;
  const worker = new URL(`/vendor/duckdb/lake-worker-${name}.js`, origin);
  worker.searchParams.set('wasm', module);
  return { module, worker: worker.href };
}

/**
 * eh when the browser has WebAssembly exceptions, else mvp: DuckDB-WASM's own selectBundle rule without the coi
 * bundle (which fails in Chromium), decided without loading DuckDB-WASM's JavaScript first. The bytes are the
 * exceptions probe selectBundle uses (a module with a try block; wasm-feature-detect's `exceptions`).
 */
export function pickBundle(): BundleName {
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11,
  ]);
  try {
    return WebAssembly.validate(probe) ? 'eh' : 'mvp';
  } catch {
    return 'mvp';
  }
}
