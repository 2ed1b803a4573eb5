// The worker the workbench starts: DuckDB-WASM's own worker (server/cli/copy-vendor.ts appends the importScripts
// that loads it after this code) wrapped with three fixes for reading lake files over HTTP:
// 1. Content-Length falls back to X-Content-Length: Next 16 removes Content-Length from route handler responses,
//    and DuckDB-WASM 1.28 decides between ranged reads and downloading the whole file by it. Upstream: Next's
//    response header filter, reported for HEAD answers in https://github.com/vercel/next.js/issues/48838 (open);
//    https://github.com/vercel/next.js/pull/50188 tried to let Content-Length through and was closed unmerged.
// 2. A range store: every byte fetched from a lake file stays in the worker's memory for the session (bounded,
//    least recently used blocks dropped first), and a read is answered from it, fetching only the gaps. So a
//    session never fetches the same byte twice: not across queries, not across reads that overlap.
//    A read is fetched exactly as DuckDB asks, never widened: the old read-ahead (windows up to 8 MB across gaps of
//    up to 1 MB) fetched 99% of a table for a query reading a third of it.
//    Reading ahead in parallel: DuckDB-WASM reads synchronously, one request after another, so a cold scan waited
//    for one request at a time. When the page opens a Parquet file, its footer says where each column chunk lies
//    (parquet-chunks.ts); once a scan has shown which columns it reads, the bytes DuckDB-WASM will ask for in the
//    next row groups (lake-read-plan.ts says how they are predicted) are fetched asynchronously, a few requests at
//    once. They land between the polls of the running query (DuckDB-WASM runs a query in short steps; browser-
//    engine.ts asks for short ones), and a poll waits for the fetch its scan needs next, so the scan finds its
//    bytes in the store. A read made before its bytes landed takes them over (the asynchronous fetch is aborted,
//    the read fetches them synchronously), so a byte is still fetched once.
//    Upstream: https://github.com/duckdb/duckdb-wasm/issues/381 (serial range requests) and
//    https://github.com/duckdb/duckdb-wasm/issues/1723 (asynchronous HTTP reads, open).
// 3. A cache across page loads (Cache API, bounded by size, least recently used entries evicted; lake-cache-store.ts):
//    Delta data files never change once committed, so a block fetched once is kept under the file's URL, its ETag
//    and its range. Cached blocks are only used after this page's own HEAD of the file succeeded (the server still
//    authorizes the reader, and the ETag says the file is the same); the page asks for that with a `lakeCache`
//    message (browser-engine.ts). Sign-out clears the origin's storage, this cache with it (Clear-Site-Data).
//
// A classic worker script, not a module: it is never imported. copy-vendor.ts compiles it with TypeScript's
// transpileModule (a declared dependency, the same compiler that type-checks it here; the file has no imports, so
// nothing needs bundling) into public/vendor/duckdb/lake-worker-<bundle>.js, after the helper modules it uses
// (parquet-chunks.ts, lake-read-plan.ts, lake-cache-store.ts, wasm-early-compile.ts), which it reaches as
// properties of `self`. Everything sits inside one function so the script declares no globals, neither in the
// worker nor in the project's type-check.

(function installLakeXhr() {
  // The module the page named in this script's URL (duckdb-bundle.ts): compiled from now on, not once asked.
  const wasmModule = new URL(self.location.href).searchParams.get('wasm');
  if (wasmModule) {
    const { lakeWasm } = self as unknown as Helpers;
    lakeWasm.installEarlyCompile(
      self as unknown as Parameters<Helpers['lakeWasm']['installEarlyCompile']>[0],
      wasmModule,
    );
  }

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

  // The pure helpers copy-vendor.ts compiles in ahead of this code.
  interface Helpers {
    lakeParquetChunks: {
      footerLength(tail: Uint8Array): number | null;
      parquetColumnChunks(footer: Uint8Array): ColumnChunkRange[];
    };
    lakeReadPlan: {
      chunksUsable(chunks: readonly ColumnChunkRange[], dataEnd: number): boolean;
      readShows(
        chunks: readonly ColumnChunkRange[],
        start: number,
        end: number,
      ): { chunks: ColumnChunkRange[] };
      aheadRanges(
        chunks: readonly ColumnChunkRange[],
        columns: ReadonlySet<number>,
        rowGroup: number,
        count: number,
      ): [number, number][];
    };
    lakeCacheStore: {
      createLakeCacheStore(
        storage: CacheStorage | undefined,
        maxBytes: number,
      ): {
        persist(url: string, etag: string, start: number, bytes: ArrayBuffer): void;
        take(
          url: string,
          etag: string,
          skip: (start: number) => boolean,
        ): Promise<{ start: number; bytes: ArrayBuffer }[]>;
      };
    };
    lakeWasm: {
      installEarlyCompile(
        scope: { fetch: typeof fetch; WebAssembly: typeof WebAssembly },
        moduleUrl: string,
      ): void;
    };
  }
  interface ColumnChunkRange {
    rowGroup: number;
    column: number;
    start: number;
    end: number;
  }
  const { lakeParquetChunks, lakeReadPlan, lakeCacheStore } = self as unknown as Helpers;

  /** The workbench's lake route and a report's (which serves only the files the report reads). */
  const LAKE_ROUTE = /\/api\/(lake|reports\/[^/]+\/lake)\//;
  /** Asynchronous fetches ahead of a scan at once, and how many row groups ahead they may reach. */
  const MAX_IN_FLIGHT = 4;
  const AHEAD_ROW_GROUPS = 8;
  /** How long a poll of the running query waits for the fetch its scan needs next before going on without it. */
  const POLL_WAIT_MS = 3_000;
  /** The tail of a Parquet file fetched when the page opens it: its footer (metadata) in one request. */
  const FOOTER_BYTES = 64 * 1024;
  /** Bytes the session's range store keeps in the worker's memory. */
  const MEMORY_BYTES = 512 * 1024 * 1024;
  /** Bytes the cross-page cache keeps; past it, least recently used entries go until it is at 90%. */
  const CACHE_BYTES = 1024 * 1024 * 1024;
  const cacheStore = lakeCacheStore.createLakeCacheStore(
    typeof caches === 'undefined' ? undefined : caches,
    CACHE_BYTES,
  );

  interface Block {
    start: number;
    bytes: ArrayBuffer;
    used: number;
  }
  interface FileState {
    /** Sorted by start; blocks may overlap (two tabs filled the cache at once), reads take either. */
    blocks: Block[];
    /** The file's column chunks, from its footer; null until read (or for a file that is not Parquet). */
    chunks: ColumnChunkRange[] | null;
    /** Columns the running scan reads, and the row group it read last: what is worth fetching ahead. */
    columns: Set<number>;
    rowGroup: number;
    /** Asynchronous fetches not landed yet. */
    inFlight: InFlight[];
    /** Set once this page's HEAD of the file succeeded: fetched blocks are cached under it. */
    etag: string | null;
  }
  interface InFlight {
    start: number;
    end: number;
    controller: AbortController;
    landed: Promise<void>;
  }
  const files = new Map<string, FileState>();
  /** The file the scan read last: a poll waits for its next fetch. */
  let scanning: FileState | null = null;
  let clock = 0;
  let memoryBytes = 0;
  /** Lake bytes this worker fetched over the network, for the page's timing marks and the benchmark. */
  let fetchedBytes = 0;
  /** Asynchronous fetches a read had to take over (aborted and fetched synchronously): the read ahead was late. */
  let takenOver = 0;

  function fileState(url: string): FileState {
    let state = files.get(url);
    if (!state) {
      state = { blocks: [], chunks: null, columns: new Set(), rowGroup: -1, inFlight: [], etag: null };
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
      state.chunks = null;
      state.columns.clear();
      state.rowGroup = -1;
    }
    state.etag = etag;
    let cachedBytes = 0;
    for (const { start, bytes } of await cacheStore.take(url, etag, (at) => blockAt(state, at) !== null)) {
      addBlock(state, start, bytes);
      cachedBytes += bytes.byteLength;
    }
    const size = Number(head.headers.get('X-Content-Length') ?? head.headers.get('Content-Length'));
    if (/\.parquet$/i.test(new URL(url).pathname) && Number.isSafeInteger(size) && size > 0) {
      await readFooter(url, state, etag, size);
    }
    return { ok: true, cachedBytes, etag };
  }

  /** Fetches the file's footer (one request for the usual footer, a second for a longer one) and reads its chunks. */
  async function readFooter(url: string, state: FileState, etag: string, size: number): Promise<void> {
    await prefetch(url, state, etag, Math.max(0, size - FOOTER_BYTES), size - 1);
    const tail = assemble(state, size - 8, size - 1);
    const length = tail ? lakeParquetChunks.footerLength(new Uint8Array(tail)) : null;
    if (length === null || length + 8 > size) return;
    const from = size - 8 - length;
    if (from < size - FOOTER_BYTES) await prefetch(url, state, etag, from, size - 1);
    const footer = assemble(state, from, size - 9);
    if (!footer) return;
    try {
      const chunks = lakeParquetChunks.parquetColumnChunks(new Uint8Array(footer));
      state.chunks = lakeReadPlan.chunksUsable(chunks, from) ? chunks : null;
    } catch (error) {
      // Read as DuckDB asks, exactly: slower, never wrong.
      console.warn('lake worker: cannot read the footer of', url, error);
    }
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
    await Promise.all(gaps(state, start, end).map(([from, to]) => fetchAhead(url, state, etag, from, to)));
  }

  /** One asynchronous ranged GET into the store, listed as in flight until it lands (or is aborted). */
  function fetchAhead(
    url: string,
    state: FileState,
    etag: string | null,
    from: number,
    to: number,
  ): Promise<void> {
    const controller = new AbortController();
    const entry: InFlight = { start: from, end: to, controller, landed: Promise.resolve() };
    entry.landed = (async () => {
      try {
        const response = await fetch(url, {
          headers: { Range: `bytes=${from}-${to}` },
          cache: 'no-store',
          credentials: 'same-origin',
          signal: controller.signal,
        });
        if (response.status !== 206) return;
        const bytes = await response.arrayBuffer();
        fetchedBytes += bytes.byteLength;
        if (controller.signal.aborted) return;
        addBlock(state, from, bytes);
        if (etag && response.headers.get('ETag') === etag) cacheStore.persist(url, etag, from, bytes);
      } catch (error) {
        // Aborted (a read took the range over) or failed: the scan's own read fetches what is still missing.
        if (!controller.signal.aborted) console.warn('lake worker: a read ahead failed:', error);
      } finally {
        state.inFlight = state.inFlight.filter((other) => other !== entry);
      }
    })();
    state.inFlight.push(entry);
    return entry.landed;
  }

  /** The ranges of [start, end] neither stored nor in flight. */
  function unfetched(state: FileState, start: number, end: number): [number, number][] {
    let ranges = gaps(state, start, end);
    for (const flight of state.inFlight) {
      ranges = ranges.flatMap(([from, to]): [number, number][] => {
        if (flight.end < from || flight.start > to) return [[from, to]];
        const parts: [number, number][] = [];
        if (from < flight.start) parts.push([from, flight.start - 1]);
        if (to > flight.end) parts.push([flight.end + 1, to]);
        return parts;
      });
    }
    return ranges;
  }

  /** After the scan read `rowGroup`: fetch the same columns of the next row groups, a few requests at once. */
  function readAhead(url: string, state: FileState): void {
    if (!state.chunks || state.columns.size === 0) return;
    const size = state.chunks.length > 0 ? state.chunks[state.chunks.length - 1]!.end : 0;
    const wanted = lakeReadPlan.aheadRanges(state.chunks, state.columns, state.rowGroup, AHEAD_ROW_GROUPS);
    for (const [start, end] of wanted) {
      for (const [from, to] of unfetched(state, start, Math.min(end, size - 1))) {
        if (state.inFlight.length >= MAX_IN_FLIGHT) return;
        void fetchAhead(url, state, state.etag, from, to);
      }
    }
  }

  /** A synchronous read needs [from, to]: fetches in flight over it are aborted, the read fetches them itself. */
  function takeOver(state: FileState, from: number, to: number): void {
    for (const flight of [...state.inFlight]) {
      if (flight.end < from || flight.start > to) continue;
      flight.controller.abort();
      state.inFlight = state.inFlight.filter((other) => other !== flight);
      takenOver += 1;
    }
  }

  /** What a poll of the running query waits for: the in-flight fetch nearest the scan's position, if any. */
  function nextLanding(): Promise<void> | null {
    const flights = scanning?.inFlight ?? [];
    if (flights.length === 0) return null;
    const first = flights.reduce((a, b) => (b.start < a.start ? b : a));
    return Promise.race([first.landed, new Promise<void>((resolve) => setTimeout(resolve, POLL_WAIT_MS))]);
  }

  // Registered before DuckDB's own onmessage (importScripts after this code), so the page's lakeCache messages
  // stop here and never reach DuckDB's dispatcher.
  let held: Promise<void> | null = null;
  self.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { lakeCache?: string; url?: string; type?: string } | null;
    if (!data || typeof data.lakeCache !== 'string') {
      // DuckDB's message. A poll of the running query waits until the fetch its scan needs next has landed (the
      // scan then finds the bytes instead of asking for them synchronously); later messages keep their order.
      const wait = data?.type === 'POLL_PENDING_QUERY' ? nextLanding() : null;
      if (!wait && !held) return;
      event.stopImmediatePropagation();
      const mine: Promise<void> = (held ?? Promise.resolve())
        .then(() => wait ?? undefined)
        .then(() => {
          const handler = self.onmessage as ((this: typeof self, event: MessageEvent) => unknown) | null;
          handler?.call(self, event);
        });
      held = mine;
      void mine.finally(() => {
        if (held === mine) held = null;
      });
      return;
    }
    event.stopImmediatePropagation();
    const port = event.ports[0];
    const reply = (answer: unknown) => port?.postMessage(answer);
    if (data.lakeCache === 'open' && typeof data.url === 'string') {
      openCached(data.url).then(reply, (error: unknown) =>
        reply({ ok: false, cachedBytes: 0, error: String(error) }),
      );
    } else if (data.lakeCache === 'stats') {
      reply({ fetchedBytes, memoryBytes, takenOver });
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
      for (const [from, to] of missing) {
        takeOver(state, from, to);
        const got = fetchRange(lake.url, from, to);
        if (!got) return this.sendExactly(lake.range as string, body);
        addBlock(state, from, got.bytes);
        if (state.etag && got.etag === state.etag) cacheStore.persist(lake.url, state.etag, from, got.bytes);
      }
      const shows = state.chunks ? lakeReadPlan.readShows(state.chunks, start, end) : null;
      if (shows && shows.chunks.length > 0) {
        const rowGroup = Math.max(...shows.chunks.map((chunk) => chunk.rowGroup));
        // A new scan of the file (an earlier row group than the last read) learns its columns afresh.
        if (rowGroup < state.rowGroup) state.columns.clear();
        for (const chunk of shows.chunks) state.columns.add(chunk.column);
        state.rowGroup = rowGroup;
        scanning = state;
        readAhead(lake.url, state);
      }
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
