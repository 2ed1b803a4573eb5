// The worker the workbench starts: DuckDB-WASM's own worker (server/cli/copy-vendor.ts appends the importScripts
// that loads it after this code) wrapped with three fixes for reading lake files over HTTP:
// 1. Content-Length falls back to X-Content-Length: Next 16 removes Content-Length from route handler responses,
//    and DuckDB-WASM 1.28 decides between ranged reads and downloading the whole file by it. Upstream: Next's
//    response header filter, reported for HEAD answers in https://github.com/vercel/next.js/issues/48838 (open);
//    https://github.com/vercel/next.js/pull/50188 tried to let Content-Length through and was closed unmerged.
// 2. A range store: every byte fetched from a lake file stays in the worker's memory for the session (bounded,
//    least recently used blocks dropped first), and a read is answered from it, fetching only the gaps. So a
//    session never fetches the same byte twice: not across queries, not across overlapping read-ahead windows.
//    Read-ahead: DuckDB-WASM reads a Parquet file as many small synchronous range requests, one after another, so
//    on a cold scan most of the time is per-request overhead. When a file is read sequentially, a gap is widened
//    (512 KB, doubling up to 8 MB) but never past the next stored block. Random reads (a selective query that
//    skips row groups) stay exact, so they still fetch only what they need.
//    Upstream: https://github.com/duckdb/duckdb-wasm/issues/381 (serial range requests) and
//    https://github.com/duckdb/duckdb-wasm/issues/1723 (asynchronous HTTP reads, open).
// 3. A cache across page loads (Cache API, bounded by size, least recently used entries evicted): Delta data files
//    never change once committed, so a block fetched once is kept under the file's URL, its ETag and its range.
//    Cached blocks are only used after this page's own HEAD of the file succeeded (the server still authorizes the
//    reader, and the ETag says the file is the same); the page asks for that with a `lakeCache` message
//    (browser-engine.ts). Sign-out clears the origin's storage, this cache with it (Clear-Site-Data).
//
// A classic worker script, not a module: it is never imported. copy-vendor.ts compiles it with TypeScript's
// transpileModule (a declared dependency, the same compiler that type-checks it here; the file has no imports, so
// nothing needs bundling) into public/vendor/duckdb/lake-worker-<bundle>.js. Everything sits inside one function
// so the script declares no globals, neither in the worker nor in the project's type-check.

(function installLakeXhr() {
  const Native = self.XMLHttpRequest;
  const proto = Native.prototype;
  const nativeHeader = proto.getResponseHeader;
  proto.getResponseHeader = function (this: XMLHttpRequest, name: string): string | null {
    const value = nativeHeader.call(this, name);
    if (value === null && String(name).toLowerCase() === 'content-length') {
      return nativeHeader.call(this, 'X-Content-Length');
    }
    return value;
  };

  /** The workbench's lake route and a report's (which serves only the files the report reads). */
  const LAKE_ROUTE = /\/api\/(lake|reports\/[^/]+\/lake)\//;
  const FIRST_AHEAD = 512 * 1024;
  const MAX_AHEAD = 8 * 1024 * 1024;
  const MAX_GAP = 1024 * 1024;
  /** The tail of a Parquet file fetched when the page opens it: its footer (metadata) in one request. */
  const FOOTER_BYTES = 64 * 1024;
  /** Bytes the session's range store keeps in the worker's memory. */
  const MEMORY_BYTES = 512 * 1024 * 1024;
  /** Bytes the cross-page cache keeps; past it, least recently used entries go until it is at 90%. */
  const CACHE_BYTES = 1024 * 1024 * 1024;
  const CACHE_NAME = 'lake-files-v1';
  const CACHE_PREFIX = '/__lake-cache/';
  const LRU_KEY = `${CACHE_PREFIX}lru.json`;

  interface Block {
    start: number;
    bytes: ArrayBuffer;
    used: number;
  }
  interface FileState {
    /** Sorted by start; blocks may overlap (two tabs filled the cache at once), reads take either. */
    blocks: Block[];
    lastEnd: number;
    ahead: number;
    /** Set once this page's HEAD of the file succeeded: fetched blocks are cached under it. */
    etag: string | null;
  }
  const files = new Map<string, FileState>();
  let clock = 0;
  let memoryBytes = 0;
  /** Lake bytes this worker fetched over the network, for the page's timing marks and the benchmark. */
  let fetchedBytes = 0;

  function fileState(url: string): FileState {
    let state = files.get(url);
    if (!state) {
      state = { blocks: [], lastEnd: -1, ahead: 0, etag: null };
      files.set(url, state);
    }
    return state;
  }

  function addBlock(state: FileState, start: number, bytes: ArrayBuffer): void {
    if (bytes.byteLength === 0) return;
    const block: Block = { start, bytes, used: (clock += 1) };
    let at = state.blocks.findIndex((b) => b.start > start);
    if (at < 0) at = state.blocks.length;
    state.blocks.splice(at, 0, block);
    memoryBytes += bytes.byteLength;
    while (memoryBytes > MEMORY_BYTES) {
      let oldest: { state: FileState; index: number } | null = null;
      for (const candidate of files.values()) {
        candidate.blocks.forEach((b, index) => {
          if (b !== block && (!oldest || b.used < (oldest.state.blocks[oldest.index] as Block).used)) {
            oldest = { state: candidate, index };
          }
        });
      }
      if (!oldest) break;
      const { state: from, index } = oldest as { state: FileState; index: number };
      memoryBytes -= (from.blocks[index] as Block).bytes.byteLength;
      from.blocks.splice(index, 1);
    }
  }

  /** The block holding byte `at`, if any. */
  function blockAt(state: FileState, at: number): Block | null {
    for (const block of state.blocks) {
      if (block.start <= at && at < block.start + block.bytes.byteLength) return block;
      if (block.start > at) break;
    }
    return null;
  }

  /** The first stored byte after `at`, or Infinity. */
  function nextStored(state: FileState, at: number): number {
    for (const block of state.blocks) if (block.start > at) return block.start;
    return Number.POSITIVE_INFINITY;
  }

  /** The ranges of [start, end] no block holds. */
  function gaps(state: FileState, start: number, end: number): [number, number][] {
    const missing: [number, number][] = [];
    let at = start;
    while (at <= end) {
      const block = blockAt(state, at);
      if (block) {
        at = block.start + block.bytes.byteLength;
        continue;
      }
      const until = Math.min(end, nextStored(state, at) - 1);
      missing.push([at, until]);
      at = until + 1;
    }
    return missing;
  }

  /** [start, end] copied out of the blocks, or null if one is missing (evicted meanwhile). */
  function assemble(state: FileState, start: number, end: number): ArrayBuffer | null {
    const out = new Uint8Array(end - start + 1);
    let at = start;
    while (at <= end) {
      const block = blockAt(state, at);
      if (!block) return null;
      block.used = clock += 1;
      const from = at - block.start;
      const length = Math.min(end + 1 - at, block.bytes.byteLength - from);
      out.set(new Uint8Array(block.bytes, from, length), at - start);
      at += length;
    }
    return out.buffer;
  }

  /** One synchronous ranged GET; null unless the server answered 206 (the caller then asks exactly, natively). */
  function fetchRange(
    url: string,
    start: number,
    end: number,
  ): { bytes: ArrayBuffer; etag: string | null } | null {
    const xhr = new Native();
    xhr.open('GET', url, false);
    xhr.responseType = 'arraybuffer';
    xhr.setRequestHeader('Range', `bytes=${start}-${end}`);
    xhr.send(null);
    if (xhr.status !== 206) return null;
    const bytes = xhr.response as ArrayBuffer;
    fetchedBytes += bytes.byteLength;
    return { bytes, etag: nativeHeader.call(xhr, 'ETag') };
  }

  // ---- The cache across page loads. Entry keys carry the file, its ETag and the range, so sizes are known
  // from keys() alone; recency lives in one small JSON entry (a lost update only makes eviction less exact).
  const cacheKey = (url: string, etag: string, start: number, end: number) =>
    `${CACHE_PREFIX}${encodeURIComponent(url)}/${encodeURIComponent(etag)}/${start}-${end}`;
  const filePrefix = (url: string, etag: string) =>
    `${CACHE_PREFIX}${encodeURIComponent(url)}/${encodeURIComponent(etag)}/`;
  let lru: Record<string, number> | null = null;
  let lruDirty = false;
  let cacheWork: Promise<unknown> = Promise.resolve();
  const hasCache = typeof caches !== 'undefined';

  /** Runs cache work one step after another, so puts, evictions and the recency record never interleave. */
  function queueCache(work: (cache: Cache) => Promise<unknown>): Promise<unknown> {
    if (!hasCache) return Promise.resolve();
    cacheWork = cacheWork
      .then(() => caches.open(CACHE_NAME))
      .then(work)
      .catch((error: unknown) => console.warn('lake cache:', error));
    return cacheWork;
  }

  async function loadLru(cache: Cache): Promise<Record<string, number>> {
    if (lru) return lru;
    const stored = await cache.match(LRU_KEY);
    lru = stored ? ((await stored.json()) as Record<string, number>) : {};
    return lru;
  }

  function touch(keys: string[]): void {
    if (!lru) return;
    const now = Date.now();
    for (const key of keys) lru[key] = now;
    lruDirty = true;
  }

  async function saveLru(cache: Cache): Promise<void> {
    if (!lru || !lruDirty) return;
    lruDirty = false;
    await cache.put(
      LRU_KEY,
      new Response(JSON.stringify(lru), { headers: { 'content-type': 'application/json' } }),
    );
  }

  const entrySize = (key: string) => {
    const match = /\/(\d+)-(\d+)$/.exec(key);
    return match ? Number(match[2]) - Number(match[1]) + 1 : 0;
  };

  /** Bytes the cache holds, counted from its keys once, then kept up to date here. */
  let cachedTotal: number | null = null;

  async function cacheKeys(cache: Cache): Promise<string[]> {
    return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((k) => k !== LRU_KEY);
  }

  async function evict(cache: Cache): Promise<void> {
    cachedTotal ??= (await cacheKeys(cache)).reduce((sum, key) => sum + entrySize(key), 0);
    if (cachedTotal <= CACHE_BYTES) return;
    const recency = await loadLru(cache);
    const keys = await cacheKeys(cache);
    cachedTotal = keys.reduce((sum, key) => sum + entrySize(key), 0);
    keys.sort((a, b) => (recency[a] ?? 0) - (recency[b] ?? 0));
    for (const key of keys) {
      if (cachedTotal <= CACHE_BYTES * 0.9) break;
      await cache.delete(key);
      delete recency[key];
      cachedTotal -= entrySize(key);
      lruDirty = true;
    }
  }

  function persist(url: string, etag: string, start: number, bytes: ArrayBuffer): void {
    const key = cacheKey(url, etag, start, start + bytes.byteLength - 1);
    void queueCache(async (cache) => {
      await loadLru(cache);
      await cache.put(key, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
      if (cachedTotal !== null) cachedTotal += bytes.byteLength;
      touch([key]);
      await evict(cache);
      await saveLru(cache);
    });
  }

  /**
   * The page opens a lake file: HEAD it with this session's cookie; only if the server answers does the store take
   * the file's cached blocks (same ETag) and later cache what it fetches. Answers the bytes taken from the cache.
   */
  async function openCached(url: string): Promise<{ ok: boolean; cachedBytes: number; etag: string | null }> {
    const head = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
    const etag = head.headers.get('ETag');
    if (!head.ok || !etag) return { ok: head.ok, cachedBytes: 0, etag: null };
    const state = fileState(url);
    if (state.etag !== etag) {
      // Another version than the blocks in memory came from: start over.
      for (const block of state.blocks) memoryBytes -= block.bytes.byteLength;
      state.blocks = [];
    }
    state.etag = etag;
    let cachedBytes = 0;
    await queueCache(async (cache) => {
      await loadLru(cache);
      const prefix = filePrefix(url, etag);
      const keys = (await cacheKeys(cache)).filter((key) => key.startsWith(prefix));
      const used: string[] = [];
      for (const key of keys) {
        const start = Number(/\/(\d+)-\d+$/.exec(key)?.[1]);
        if (blockAt(state, start)) continue;
        const response = await cache.match(key);
        if (!response) continue;
        const bytes = await response.arrayBuffer();
        if (bytes.byteLength !== entrySize(key)) continue;
        addBlock(state, start, bytes);
        cachedBytes += bytes.byteLength;
        used.push(key);
      }
      touch(used);
      await saveLru(cache);
    });
    const size = Number(head.headers.get('X-Content-Length') ?? head.headers.get('Content-Length'));
    if (/\.parquet$/i.test(new URL(url).pathname) && Number.isSafeInteger(size) && size > 0) {
      await prefetch(url, state, etag, Math.max(0, size - FOOTER_BYTES), size - 1);
    }
    return { ok: true, cachedBytes, etag };
  }

  /**
   * Fetches the gaps of [start, end] asynchronously into the store. The page opens all of a table's files at once,
   * so their footers arrive in parallel instead of one synchronous request after another inside the query.
   */
  async function prefetch(
    url: string,
    state: FileState,
    etag: string,
    start: number,
    end: number,
  ): Promise<void> {
    await Promise.all(
      gaps(state, start, end).map(async ([from, to]) => {
        const response = await fetch(url, {
          headers: { Range: `bytes=${from}-${to}` },
          cache: 'no-store',
          credentials: 'same-origin',
        });
        if (response.status !== 206) return;
        const bytes = await response.arrayBuffer();
        fetchedBytes += bytes.byteLength;
        addBlock(state, from, bytes);
        if (response.headers.get('ETag') === etag) persist(url, etag, from, bytes);
      }),
    );
  }

  // Registered before DuckDB's own onmessage (importScripts after this code), so the page's lakeCache messages
  // stop here and never reach DuckDB's dispatcher.
  self.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { lakeCache?: string; url?: string } | null;
    if (!data || typeof data.lakeCache !== 'string') return;
    event.stopImmediatePropagation();
    const port = event.ports[0];
    const reply = (answer: unknown) => port?.postMessage(answer);
    if (data.lakeCache === 'open' && typeof data.url === 'string') {
      openCached(data.url).then(reply, (error: unknown) =>
        reply({ ok: false, cachedBytes: 0, error: String(error) }),
      );
    } else if (data.lakeCache === 'stats') {
      reply({ fetchedBytes, memoryBytes });
    }
  });

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
        method === 'GET' && async === false && LAKE_ROUTE.test(String(url)) ? { url: String(url) } : null;
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
      const state = fileState(lake.url);
      const missing = gaps(state, start, end);
      if (missing.length > 0) {
        const sequential = state.lastEnd >= 0 && start > state.lastEnd && start - state.lastEnd <= MAX_GAP;
        state.ahead = sequential ? Math.min(MAX_AHEAD, Math.max(FIRST_AHEAD, state.ahead * 2)) : 0;
        for (const [index, [from, to]] of missing.entries()) {
          // Only the last gap reads ahead, and never into bytes the store already has.
          const last = index === missing.length - 1;
          const until = last ? Math.max(to, Math.min(from + state.ahead - 1, nextStored(state, to) - 1)) : to;
          const got = fetchRange(lake.url, from, until);
          if (!got) return this.sendExactly(lake.range as string, body);
          addBlock(state, from, got.bytes);
          if (state.etag && got.etag === state.etag) persist(lake.url, state.etag, from, got.bytes);
        }
      }
      state.lastEnd = end;
      const bytes = assemble(state, start, end);
      if (!bytes) return this.sendExactly(lake.range as string, body);
      Object.defineProperty(this, 'status', { value: 206 });
      Object.defineProperty(this, 'statusText', { value: 'Partial Content' });
      Object.defineProperty(this, 'response', { value: bytes });
    }

    /** The request as DuckDB made it: its answer (an error status, a whole file) reaches DuckDB unchanged. */
    private sendExactly(range: string, body?: Document | XMLHttpRequestBodyInit | null): void {
      super.setRequestHeader('Range', range);
      super.send(body);
    }
  }

  self.XMLHttpRequest = LakeXHR;
})();
