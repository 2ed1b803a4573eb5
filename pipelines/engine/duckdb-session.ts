// A small native DuckDB session: one in-memory instance and connection, UTC session time zone (Delta timestamps
// are instants; UTC keeps casts and text output independent of the machine's zone).

import { DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api';

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

export async function createDuckDbSession(options: { threads?: number } = {}): Promise<DuckDbSession> {
  // TimeZone cannot go in the instance config: ICU is only loaded once a connection exists.
  const instance = await DuckDBInstance.create(
    ':memory:',
    options.threads ? { threads: String(options.threads) } : {},
  );
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
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
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Quotes a string as a SQL literal. */
export function toSqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
