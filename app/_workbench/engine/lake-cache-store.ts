// The lake worker's cache across page loads (Cache API, bounded by size, least recently used entries evicted):
// Delta data files never change once committed, so a block fetched once is kept under the file's URL, its ETag and
// its range. The worker (duckdb-worker.ts) takes a file's blocks only after this page's own HEAD of the file
// succeeded, and says which ETag it got. Entry keys carry the file, its ETag and the range, so sizes are known from
// keys() alone; recency lives in one small JSON entry (a lost update only makes eviction less exact).
//
// Self-contained (the worker passes its CacheStorage in): server/cli/copy-vendor.ts compiles it into the worker
// script as `self.lakeCacheStore`.

const CACHE_NAME = 'lake-files-v1';
const CACHE_PREFIX = '/__lake-cache/';
const LRU_KEY = `${CACHE_PREFIX}lru.json`;

export interface LakeCacheStore {
  /** Keeps `bytes`, which start at byte `start` of the file at `url` with this ETag (queued, never awaited). */
  persist(url: string, etag: string, start: number, bytes: ArrayBuffer): void;
  /** The file's cached blocks at this ETag, but those whose start `skip` rejects; marked as recently used. */
  take(
    url: string,
    etag: string,
    skip: (start: number) => boolean,
  ): Promise<{ start: number; bytes: ArrayBuffer }[]>;
}

/** The cache in `storage` (none: a store that keeps nothing), holding about `maxBytes`. */
export function createLakeCacheStore(storage: CacheStorage | undefined, maxBytes: number): LakeCacheStore {
  const cacheKey = (url: string, etag: string, start: number, end: number) =>
    `${CACHE_PREFIX}${encodeURIComponent(url)}/${encodeURIComponent(etag)}/${start}-${end}`;
  const filePrefix = (url: string, etag: string) =>
    `${CACHE_PREFIX}${encodeURIComponent(url)}/${encodeURIComponent(etag)}/`;
  let lru: Record<string, number> | null = null;
  let lruDirty = false;
  let cacheWork: Promise<unknown> = Promise.resolve();

  /** Runs cache work one step after another, so puts, evictions and the recency record never interleave. */
  function queueCache(work: (cache: Cache) => Promise<unknown>): Promise<unknown> {
    if (!storage) return Promise.resolve();
    cacheWork = cacheWork
      .then(() => storage.open(CACHE_NAME))
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
    if (cachedTotal <= maxBytes) return;
    const recency = await loadLru(cache);
    const keys = await cacheKeys(cache);
    cachedTotal = keys.reduce((sum, key) => sum + entrySize(key), 0);
    keys.sort((a, b) => (recency[a] ?? 0) - (recency[b] ?? 0));
    for (const key of keys) {
      if (cachedTotal <= maxBytes * 0.9) break;
      await cache.delete(key);
      delete recency[key];
      cachedTotal -= entrySize(key);
      lruDirty = true;
    }
  }

  return {
    persist(url, etag, start, bytes) {
      const key = cacheKey(url, etag, start, start + bytes.byteLength - 1);
      void queueCache(async (cache) => {
        await loadLru(cache);
        await cache.put(
          key,
          new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }),
        );
        if (cachedTotal !== null) cachedTotal += bytes.byteLength;
        touch([key]);
        await evict(cache);
        await saveLru(cache);
      });
    },

    async take(url, etag, skip) {
      const blocks: { start: number; bytes: ArrayBuffer }[] = [];
      await queueCache(async (cache) => {
        await loadLru(cache);
        const prefix = filePrefix(url, etag);
        const keys = (await cacheKeys(cache)).filter((key) => key.startsWith(prefix));
        const used: string[] = [];
        for (const key of keys) {
          const start = Number(/\/(\d+)-\d+$/.exec(key)?.[1]);
          // Blocks may overlap (two tabs filled the cache at once): one already taken covers this start.
          if (skip(start) || blocks.some((b) => b.start <= start && start < b.start + b.bytes.byteLength))
            continue;
          const response = await cache.match(key);
          if (!response) continue;
          const bytes = await response.arrayBuffer();
          if (bytes.byteLength !== entrySize(key)) continue;
          blocks.push({ start, bytes });
          used.push(key);
        }
        touch(used);
        await saveLru(cache);
      });
      return blocks;
    },
  };
}
