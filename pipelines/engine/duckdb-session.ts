// A small native DuckDB session: one in-memory instance and connection, UTC session time zone (Delta timestamps
// are instants; UTC keeps casts and text output independent of the machine's zone).

import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api';
import { registerVariantJsonFunction } from './variant-udf';

export interface QueryResult {
  columns: { name: string; type: DuckDBType }[];
  rows: Record<string, unknown>[];
}

export interface DuckDbSession {
  readonly connection: DuckDBConnection;
  /** Runs a statement, discarding any result. */
  run(sql: string): Promise<void>;
  /** Runs a query and returns its rows as JS values (bigint for BIGINT, DuckDB value objects for others). */
  query(sql: string): Promise<QueryResult>;
  /** Runs a query and returns its rows as JSON-compatible values (strings for timestamps, decimals, bigints). */
  queryJson(sql: string): Promise<Record<string, unknown>[]>;
  /** Streams a query's rows as JSON-compatible objects, chunk by chunk. */
  streamJson(sql: string): AsyncIterable<Record<string, unknown>>;
  close(): void;
}

export interface DuckDbSessionOptions {
  threads?: number;
  /** DuckDB's memory limit; past it, sorts and joins spill to `tempDirectory`. */
  memoryLimit?: string;
  tempDirectory?: string;
  /**
   * A run's timeout or cancel: interrupts the running query (it fails with DuckDB's "Interrupted" error), so a
   * long MERGE or Parquet write stops at once instead of at the next check between tables.
   */
  signal?: AbortSignal;
}

// DuckDB's own default is 80% of the machine's RAM, which let one sync's ORDER BY of a million rows take 2 GB of a
// shared worker; 1 GB with spilling keeps a pipeline run's footprint bounded at little cost (sorts spill to disk).
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '1GB';

export async function createDuckDbSession(options: DuckDbSessionOptions = {}): Promise<DuckDbSession> {
  // Each session spills into its own folder: DuckDB names spill files by size class, not by instance, and deletes
  // every temp file of its folder on close, so sessions sharing one folder would read each other's blocks.
  const spillRoot = path.join(tmpdir(), 'lakehouse-duckdb-spill');
  // DuckDB creates the session's own folder on its first spill, but not the folders above it.
  if (!options.tempDirectory) mkdirSync(spillRoot, { recursive: true });
  const spillDir = options.tempDirectory ?? path.join(spillRoot, `${process.pid}-${randomUUID()}`);
  // TimeZone cannot go in the instance config: ICU is only loaded once a connection exists.
  const instance = await DuckDBInstance.create(':memory:', {
    ...(options.threads ? { threads: String(options.threads) } : {}),
    memory_limit: options.memoryLimit ?? DEFAULT_DUCKDB_MEMORY_LIMIT,
    // Not DuckDB's default `.tmp` in the working directory: spill files belong in the OS temp folder.
    temp_directory: spillDir,
  });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  // Delta variant columns are read through this function (scan-sql.ts), whatever the session is for.
  registerVariantJsonFunction(connection);
  const interrupt = () => connection.interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  return {
    connection,
    async run(sql) {
      await connection.run(sql);
    },
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      return {
        columns: names.map((name, index) => ({ name, type: types[index] as DuckDBType })),
        rows: reader.getRowObjects() as Record<string, unknown>[],
      };
    },
    async queryJson(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    },
    async *streamJson(sql) {
      const result = await connection.stream(sql);
      for await (const chunk of result.yieldRowObjectJson()) yield* chunk as Record<string, unknown>[];
    },
    close() {
      options.signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
      instance.closeSync();
      // DuckDB creates the folder on its first spill; a session that never spilled has none.
      if (!options.tempDirectory) rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/** Quotes a string as a SQL literal. */
export function toSqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
