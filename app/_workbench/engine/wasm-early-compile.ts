// Compiles DuckDB-WASM's module from the moment the lake worker starts (duckdb-worker.ts), instead of after the
// page has loaded DuckDB-WASM's JavaScript and sent the worker its instantiate message. The worker's URL names the
// module (duckdb-bundle.ts). DuckDB-WASM then fetches the same URL and instantiates what it got with
// WebAssembly.instantiateStreaming: that fetch is answered with an empty body once the early compile is done, and
// the instantiate uses the module compiled early, so the 18 MB are fetched and compiled once.
//
// The early compile is a plain WebAssembly.compileStreaming of the fetch's own response, which is what lets
// Chrome keep the compiled code with the HTTP cache entry and skip compiling on the next visit; DuckDB-WASM's own
// instantiate wraps the response in a progress stream, which Chrome cannot cache code for.
// https://v8.dev/blog/wasm-code-caching
//
// Pure of globals (the worker passes its scope in): server/cli/copy-vendor.ts compiles it into the worker script
// as `self.lakeWasm`.

export interface WasmScope {
  fetch: typeof fetch;
  WebAssembly: Pick<typeof WebAssembly, 'compileStreaming' | 'instantiate' | 'instantiateStreaming'>;
}

/** Starts compiling `moduleUrl` and routes DuckDB-WASM's own fetch and instantiate of it to that compile. */
export function installEarlyCompile(scope: WasmScope, moduleUrl: string): void {
  const nativeFetch = scope.fetch.bind(scope);
  const wasm = scope.WebAssembly;
  const nativeInstantiateStreaming = wasm.instantiateStreaming.bind(wasm);
  const compiled = wasm.compileStreaming(nativeFetch(moduleUrl, { credentials: 'same-origin' }));
  // A failed early compile is not an error here: DuckDB-WASM's own fetch and instantiate then run as they would.
  let usable = true;
  compiled.catch((error: unknown) => {
    usable = false;
    console.warn('lake worker: compiling the engine early failed, DuckDB-WASM loads it itself:', error);
  });
  /**
   * Set when DuckDB-WASM fetched the module: true once it was answered from the early compile, false when the
   * early compile failed and the network answered. Set at the fetch, not when it is answered: DuckDB-WASM calls
   * instantiateStreaming with the fetch's promise right away.
   */
  let routed: Promise<boolean> | null = null;

  scope.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== moduleUrl || !usable) return nativeFetch(input, init);
    routed = compiled.then(
      () => true,
      () => false,
    );
    return compiled.then(
      () => new Response(new Uint8Array(0), { headers: { 'Content-Type': 'application/wasm' } }),
      () => nativeFetch(input, init),
    );
  };

  wasm.instantiateStreaming = async (
    source: Response | PromiseLike<Response>,
    imports?: WebAssembly.Imports,
  ): Promise<WebAssembly.WebAssemblyInstantiatedSource> => {
    const early = routed ? await routed : false;
    routed = null;
    if (!early) return nativeInstantiateStreaming(source, imports);
    // The placeholder body (possibly wrapped in DuckDB-WASM's progress stream) is read and dropped.
    await Promise.resolve(source).then((response) => response.arrayBuffer().catch(() => null));
    const module = await compiled;
    const instance = await wasm.instantiate(module, imports);
    return { module, instance };
  };
}
