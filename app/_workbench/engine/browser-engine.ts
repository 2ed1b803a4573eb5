'use client';
// DuckDB-WASM 1.28.0 in a Web Worker, served from /vendor/duckdb (ARCHITECTURE.md §4: eh bundle, mvp fallback, no
// CDN). Lake tables are views over their snapshot's Parquet files, registered by URL so DuckDB reads them with
// ranged GETs. A query can always be stopped: first DuckDB's own cancel, then, if the worker does not answer in
// time, the worker is terminated and a fresh one is started with the same views and stored results.

import type * as Duckdb from '@duckdb/duckdb-wasm';
import { Table, type RecordBatch } from 'apache-arrow';
import type { SnapshotView } from '@/server/api/workbench/types';
import { logCleanupFailure } from '../../_lib/cleanup';
import { bundleFiles, pickBundle, type BundleFiles, type BundleName } from './duckdb-bundle';

/**
 * The engine's worker, started by the first BrowserEngine of the page (while it renders), before DuckDB-WASM's
 * JavaScript has loaded: the worker fetches and compiles the wasm meanwhile (duckdb-bundle.ts).
 */
let prestarted: { worker: Worker; bundle: BundleName; files: BundleFiles } | null = null;

function startWorker(): { worker: Worker; bundle: BundleName; files: BundleFiles } {
  const bundle = pickBundle();
  const files = bundleFiles(bundle, window.location.origin);
  // lake-worker-*.js (server/cli/copy-vendor.ts) wraps DuckDB's worker (duckdb-worker.ts).
  return { worker: new Worker(files.worker), bundle, files };
}

/** How long DuckDB-WASM runs a query before it answers a poll (its default is 100 ms). */
const QUERY_POLL_MS = 5;

/** How long a cancelled query may take to stop before its worker is terminated. */
const CANCEL_GRACE_MS = 1_500;

export interface RunOutcome {
  table: Table;
  elapsedMs: number;
  /** True when the result was cut at maxRows. */
  truncated: boolean;
}

interface RunningQuery {
  cancelled: boolean;
  /** Settles when the worker is done with the query, however it ended. */
  settled: Promise<unknown>;
  /** Rejects the caller's promise at once, without waiting for the worker. */
  abort(): void;
}

export class QueryCancelledError extends Error {
  constructor() {
    super('Query cancelled');
    this.name = 'QueryCancelledError';
  }
}

interface Instance {
  db: Duckdb.AsyncDuckDB;
  conn: Duckdb.AsyncDuckDBConnection;
  worker: Worker;
  bundle: 'eh' | 'mvp';
}

function absolute(url: string): string {
  return new URL(url, window.location.origin).href;
}

export class BrowserEngine {
  private instance: Promise<Instance> | null = null;
  /** Views over snapshots by view name; replayed into a restarted worker. */
  private readonly views = new Map<string, SnapshotView>();
  /** Stored cell results by name; replayed into a restarted worker. */
  private readonly results = new Map<string, Table>();
  private readonly registeredFiles = new Set<string>();
  private running: RunningQuery | null = null;
  /** Set while a cancel is stopping the worker; the next query waits for it. */
  private cancelling: Promise<void> | null = null;

  /** Which bundle the worker runs, once started. */
  bundle: BundleName | null = null;

  constructor() {
    // The first engine of the page starts its worker at once (a restart starts a new one in start()).
    if (typeof window !== 'undefined' && typeof Worker !== 'undefined' && !prestarted && !this.instance) {
      prestarted = startWorker();
      // DuckDB-WASM's JavaScript loads meanwhile too; start() awaits the same import.
      void import('@duckdb/duckdb-wasm').catch(logCleanupFailure('loading DuckDB-WASM early'));
    }
  }

  private start(): Promise<Instance> {
    this.instance ??= (async () => {
      const begin = performance.now();
      const started = prestarted ?? startWorker();
      prestarted = null;
      const duckdb = await import('@duckdb/duckdb-wasm');
      const loaded = markSpan('engine-import', begin);
      const { worker, bundle: name, files } = started;
      const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
      await db.instantiate(files.module);
      const instantiated = markSpan('engine-instantiate', loaded);
      await db.open({
        query: {
          castBigIntToDouble: false,
          castTimestampToDate: false,
          // Short steps: between two polls the lake worker takes in the row groups it fetched ahead
          // (duckdb-worker.ts), so a scan waits for at most one request at a time, not one after another.
          queryPollingInterval: QUERY_POLL_MS,
        },
      });
      const conn = await db.connect();
      markSpan('engine-open', instantiated);
      // No SET TimeZone: the wasm build has no ICU, so its timestamps are UTC already, as on the server path.
      this.bundle = name;
      this.registeredFiles.clear();
      const instance: Instance = { db, conn, worker, bundle: name };
      for (const [view, snapshot] of this.views) await this.createView(instance, view, snapshot);
      for (const [result, table] of this.results) await this.insertResult(instance, result, table);
      return instance;
    })();
    this.instance.catch(() => {
      this.instance = null;
    });
    return this.instance;
  }

  /** Starts the worker ahead of the first query. */
  async warmUp(): Promise<void> {
    await this.start();
  }

  hasView(view: string, version: number): boolean {
    return this.views.get(view)?.version === version;
  }

  /** The snapshot version `view` was last defined over in this page, if any. */
  viewVersion(view: string): number | undefined {
    return this.views.get(view)?.version;
  }

  /** (Re)creates `view` over a snapshot's files. */
  async defineView(view: string, snapshot: SnapshotView): Promise<void> {
    // Refused before any file is registered: the scan SQL would only fail on a function the browser lacks.
    if (snapshot.browserUnsupported) throw new Error(snapshot.browserUnsupported);
    const instance = await this.start();
    await this.createView(instance, view, snapshot);
    this.views.set(view, snapshot);
  }

  private async createView(instance: Instance, view: string, snapshot: SnapshotView): Promise<void> {
    const { DuckDBDataProtocol } = await import('@duckdb/duckdb-wasm');
    const begin = performance.now();
    // All files at once: each is a HEAD (the server authorizes this session) and a read of its cached blocks.
    await Promise.all(
      snapshot.files
        .filter((file) => !this.registeredFiles.has(file.path))
        .map(async (file) => {
          await instance.db.registerFileURL(
            `lake/${file.path}`,
            absolute(file.url),
            DuckDBDataProtocol.HTTP,
            false,
          );
          await askWorker(instance.worker, { lakeCache: 'open', url: absolute(file.url) });
          this.registeredFiles.add(file.path);
        }),
    );
    const registered = markSpan('register-files', begin);
    await instance.conn.query(`CREATE OR REPLACE VIEW ${quoteName(view)} AS ${snapshot.scanSql}`);
    markSpan('create-view', registered);
  }

  /** Lake bytes the worker has fetched over the network since it started (its cache hits not counted). */
  async fetchedBytes(): Promise<number> {
    const instance = await this.start();
    const stats = (await askWorker(instance.worker, { lakeCache: 'stats' })) as {
      fetchedBytes?: number;
    } | null;
    return stats?.fetchedBytes ?? 0;
  }

  /** Keeps a result under a name so later cells can select from it. */
  async storeResult(name: string, table: Table): Promise<void> {
    const instance = await this.start();
    await this.insertResult(instance, name, table);
    this.results.set(name, table);
  }

  /** A stored result by name (case-insensitive, as DuckDB resolves names), for sending to the server path. */
  findResult(name: string): { name: string; table: Table } | null {
    for (const [stored, table] of this.results) {
      if (stored.toLowerCase() === name.toLowerCase()) return { name: stored, table };
    }
    return null;
  }

  private async insertResult(instance: Instance, name: string, table: Table): Promise<void> {
    await instance.conn
      .query(`DROP VIEW IF EXISTS ${quoteName(name)}`)
      .catch(logCleanupFailure('DROP VIEW of a replaced result'));
    await instance.conn.query(`DROP TABLE IF EXISTS ${quoteName(name)}`);
    await instance.conn.insertArrowTable(table, { name, create: true });
  }

  /**
   * Runs SQL, reading at most maxRows rows and about maxBytes of Arrow data (wide rows fill a tab's memory long
   * before a million of them). Rejects with QueryCancelledError as soon as cancel() is called.
   */
  async run(sql: string, maxRows: number, maxBytes = Number.POSITIVE_INFINITY): Promise<RunOutcome> {
    if (this.cancelling) await this.cancelling;
    if (this.running) throw new Error('Another query is still running');
    const started = performance.now();
    let abort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      abort = () => reject(new QueryCancelledError());
    });
    const state: RunningQuery = { cancelled: false, settled: Promise.resolve(), abort: () => abort() };
    const work = (async (): Promise<RunOutcome> => {
      const instance = await this.start();
      const reader = await instance.conn.send(sql);
      const batches: RecordBatch[] = [];
      let rows = 0;
      let bytes = 0;
      let truncated = false;
      for await (const batch of reader) {
        if (state.cancelled) break;
        batches.push(batch);
        rows += batch.numRows;
        bytes += batch.data.byteLength;
        if (rows > maxRows || bytes > maxBytes) {
          truncated = true;
          await instance.conn.cancelSent().catch(() => false);
          break;
        }
      }
      if (state.cancelled) throw new QueryCancelledError();
      const table = batches.length > 0 ? new Table(batches) : new Table(reader.schema ?? undefined);
      return {
        table: truncated ? table.slice(0, Math.min(maxRows, table.numRows)) : table,
        elapsedMs: performance.now() - started,
        truncated,
      };
    })();
    // Only marks when the work is over; its failure reaches the caller through `work` itself.
    state.settled = work.catch(() => undefined);
    this.running = state;
    // Clear the slot when the worker is done, not when the caller gives up: a cancelled query may still be running.
    void state.settled.then(() => {
      if (this.running === state) this.running = null;
    });
    try {
      return await Promise.race([work, aborted]);
    } catch (error) {
      if (state.cancelled) throw new QueryCancelledError();
      throw error;
    }
  }

  /** Stops the running query: the caller hears at once; the worker gets DuckDB's cancel, then is replaced. */
  async cancel(): Promise<void> {
    const state = this.running;
    if (!state || state.cancelled) return;
    state.cancelled = true;
    state.abort();
    this.cancelling = (async () => {
      const instance = await this.instance?.catch(() => null);
      await instance?.conn.cancelSent().catch(() => false);
      const stopped = await Promise.race([
        state.settled.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CANCEL_GRACE_MS)),
      ]);
      if (!stopped) await this.restart();
      if (this.running === state) this.running = null;
    })();
    try {
      await this.cancelling;
    } finally {
      this.cancelling = null;
    }
  }

  /** Terminates the worker; the next call starts a new one with the same views and results. */
  async restart(): Promise<void> {
    const current = this.instance;
    this.instance = null;
    const instance = await current?.catch(() => null);
    if (instance) {
      instance.worker.terminate();
      await instance.db.terminate().catch(logCleanupFailure('instance.db.terminate()'));
    }
  }

  /** Forgets a stored result or uploaded table (an upload the analyst removed). */
  async dropResult(name: string): Promise<void> {
    const found = this.findResult(name);
    if (!found) return;
    this.results.delete(found.name);
    const instance = await this.start();
    await instance.conn.query(`DROP TABLE IF EXISTS ${quoteName(found.name)}`);
  }

  /**
   * The rows of an uploaded CSV or Parquet file, read by DuckDB-WASM from a registered buffer (CSV: dialect and
   * column types detected by read_csv_auto, the first row naming the columns). The buffer is dropped afterwards; storeResult keeps the table.
   */
  async readFile(format: 'csv' | 'parquet', bytes: Uint8Array): Promise<Table> {
    const instance = await this.start();
    const file = `upload_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}.${format}`;
    // registerFileBuffer hands the buffer to the worker: give it a copy, so the caller's bytes stay usable.
    await instance.db.registerFileBuffer(file, bytes.slice());
    try {
      // header = true: the sniffer cannot tell a header from data when every column is text, and a table from
      // a file names its columns by its first row.
      const reader = format === 'csv' ? `read_csv_auto('${file}', header = true)` : `read_parquet('${file}')`;
      return await instance.conn.query(`SELECT * FROM ${reader}`);
    } finally {
      await instance.db.dropFile(file).catch(logCleanupFailure('dropFile of an uploaded file'));
    }
  }

  /**
   * A catalog query (e.g. duckdb_functions()) on a connection of its own, so it neither waits for nor blocks the
   * cell that is running.
   */
  async queryMetadata(sql: string): Promise<Table> {
    const instance = await this.start();
    const conn = await instance.db.connect();
    try {
      return await conn.query(sql);
    } finally {
      await conn.close().catch(logCleanupFailure('closing a metadata connection'));
    }
  }

  /** Parquet bytes of a table, written by DuckDB-WASM itself. */
  async toParquet(table: Table): Promise<Uint8Array> {
    const instance = await this.start();
    const name = `__export_${Date.now().toString(36)}`;
    await instance.conn.insertArrowTable(table, { name, create: true });
    try {
      await instance.conn.query(`COPY ${quoteName(name)} TO '${name}.parquet' (FORMAT PARQUET)`);
      const bytes = await instance.db.copyFileToBuffer(`${name}.parquet`);
      await instance.db.dropFile(`${name}.parquet`);
      return bytes;
    } finally {
      await instance.conn.query(`DROP TABLE IF EXISTS ${quoteName(name)}`);
    }
  }
}

/** How long the page waits for the lake worker's answer before going on without its cache. */
const WORKER_ANSWER_MS = 30_000;

/** One request to the lake worker's own handler (duckdb-worker.ts), answered on a port of its own. */
function askWorker(worker: Worker, message: { lakeCache: string; url?: string }): Promise<unknown> {
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), WORKER_ANSWER_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(event.data);
    };
    worker.postMessage(message, [channel.port2]);
  });
}

/**
 * A `wb:<name>` measure from `start` to now, which the benchmark reads from the page (performance.getEntries);
 * returns now, the next span's start.
 */
export function markSpan(name: string, start: number): number {
  const end = performance.now();
  try {
    performance.measure(`wb:${name}`, { start, end });
  } catch {
    // A measure is for the benchmark only; a browser without User Timing Level 3 runs on without it.
  }
  return end;
}

export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
