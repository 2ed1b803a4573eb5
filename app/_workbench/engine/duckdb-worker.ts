// The worker the workbench starts: DuckDB-WASM's own worker (server/cli/copy-vendor.ts appends the importScripts
// that loads it after this code) wrapped with two fixes for reading lake files over HTTP:
// 1. Content-Length falls back to X-Content-Length: Next 16 removes Content-Length from route handler responses,
//    and DuckDB-WASM 1.28 decides between ranged reads and downloading the whole file by it. Upstream: Next's
//    response header filter, reported for HEAD answers in https://github.com/vercel/next.js/issues/48838 (open);
//    https://github.com/vercel/next.js/pull/50188 tried to let Content-Length through and was closed unmerged.
// 2. Read-ahead: DuckDB-WASM reads a Parquet file as many small synchronous range requests, one after another, so
//    on a cold scan most of the time is per-request overhead. When a file is read sequentially, the request is
//    widened (512 KB, doubling up to 8 MB) and later ranges inside that block are answered from memory. Random
//    reads (a selective query that skips row groups) stay exact, so they still fetch only what they need.
//    Upstream: https://github.com/duckdb/duckdb-wasm/issues/381 (serial range requests) and
//    https://github.com/duckdb/duckdb-wasm/issues/1723 (asynchronous HTTP reads, open).
//
// A classic worker script, not a module: it is never imported. copy-vendor.ts compiles it with TypeScript's
// transpileModule (a declared dependency, the same compiler that type-checks it here; the file has no imports, so
// nothing needs bundling) into public/vendor/duckdb/lake-worker-<bundle>.js. Everything sits inside one function
// so the script declares no globals, neither in the worker nor in the project's type-check.

(function installLakeXhr() {
  const Native = self.XMLHttpRequest;
  const proto = Native.prototype;
  // The real status and response of a request, read past the instance properties a memory answer defines.
  const nativeGetter = (name: 'status' | 'response'): ((this: XMLHttpRequest) => unknown) => {
    const get = Object.getOwnPropertyDescriptor(proto, name)?.get;
    if (!get) throw new Error(`lake worker: XMLHttpRequest.prototype has no ${name} getter`);
    return get;
  };
  const nativeStatus = nativeGetter('status');
  const nativeResponse = nativeGetter('response');
  const nativeHeader = proto.getResponseHeader;
  proto.getResponseHeader = function (this: XMLHttpRequest, name: string): string | null {
    const value = nativeHeader.call(this, name);
    if (value === null && String(name).toLowerCase() === 'content-length') {
      return nativeHeader.call(this, 'X-Content-Length');
    }
    return value;
  };

  const FIRST_AHEAD = 512 * 1024;
  const MAX_AHEAD = 8 * 1024 * 1024;
  const MAX_GAP = 1024 * 1024;
  const MAX_FILES = 8;

  interface ReadState {
    /** The last widened answer: ranges inside it are served from memory. */
    block: { start: number; bytes: ArrayBuffer } | null;
    lastEnd: number;
    ahead: number;
  }
  const files = new Map<string, ReadState>();
  function remember(url: string, state: ReadState): void {
    files.delete(url);
    files.set(url, state);
    const oldest = files.keys().next();
    if (files.size > MAX_FILES && !oldest.done) files.delete(oldest.value);
  }

  class LakeXHR extends Native {
    private lake: { url: string; range?: string } | null = null;

    override open(
      method: string,
      url: string | URL,
      async?: boolean,
      username?: string | null,
      password?: string | null,
    ): void {
      this.lake =
        method === 'GET' && async === false && /\/api\/lake\//.test(String(url))
          ? { url: String(url) }
          : null;
      // Passed on exactly as called: open(method, url) means asynchronous, which an explicit undefined would not.
      if (arguments.length <= 2) return super.open(method, url);
      return super.open(method, url, async ?? true, username, password);
    }

    override setRequestHeader(name: string, value: string): void {
      if (this.lake && String(name).toLowerCase() === 'range') {
        this.lake.range = String(value);
        return;
      }
      return super.setRequestHeader(name, value);
    }

    override send(body?: Document | XMLHttpRequestBodyInit | null): void {
      const lake = this.lake;
      const match = lake?.range ? /^bytes=(\d+)-(\d+)$/.exec(lake.range) : null;
      if (!lake || !match) {
        if (lake?.range) super.setRequestHeader('Range', lake.range);
        return super.send(body);
      }
      const start = Number(match[1]);
      const end = Number(match[2]);
      const state = files.get(lake.url) ?? { block: null, lastEnd: -1, ahead: 0 };
      const block = state.block;
      if (block && start >= block.start && end < block.start + block.bytes.byteLength) {
        const bytes = block.bytes.slice(start - block.start, end - block.start + 1);
        Object.defineProperty(this, 'status', { value: 206 });
        Object.defineProperty(this, 'statusText', { value: 'Partial Content' });
        Object.defineProperty(this, 'response', { value: bytes });
        state.lastEnd = end;
        remember(lake.url, state);
        return;
      }
      const sequential = state.lastEnd >= 0 && start > state.lastEnd && start - state.lastEnd <= MAX_GAP;
      state.ahead = sequential ? Math.min(MAX_AHEAD, Math.max(FIRST_AHEAD, state.ahead * 2)) : 0;
      const fetchEnd = Math.max(end, start + state.ahead - 1);
      super.setRequestHeader('Range', `bytes=${start}-${fetchEnd}`);
      super.send(body);
      // DuckDB copies min(response length, wanted) bytes from the start, so a wider answer needs no trimming.
      state.block =
        nativeStatus.call(this) === 206 ? { start, bytes: nativeResponse.call(this) as ArrayBuffer } : null;
      state.lastEnd = end;
      remember(lake.url, state);
    }
  }

  self.XMLHttpRequest = LakeXHR;
})();
