// The mysql2 driver, at the edge: one connection per sync (it also holds the sync's GET_LOCK), errors mapped to
// the sync catalogue (unreachable server, lost connection, failed statement).

import { createReadStream } from 'node:fs';
import type { Connection as CoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import { SyncError } from '../errors';

export interface MySqlClient {
  /** Server thread id (CONNECTION_ID()), e.g. to KILL it in tests. */
  readonly threadId: number;
  /** Runs a statement or query; `?` placeholders are escaped client-side. Rows for SELECT. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a write statement and returns the affected row count. */
  execute(sql: string, params?: unknown[]): Promise<number>;
  /** Runs `LOAD DATA LOCAL INFILE` with the named local file; returns loaded rows and the warning count. */
  loadLocalFile(sql: string, localPath: string): Promise<{ rows: number; warnings: number }>;
  /** Streams a query's rows. */
  stream<T = Record<string, unknown>>(sql: string, params?: unknown[]): AsyncIterable<T>;
  close(): Promise<void>;
}

/** Opens a client; tests and the CLI pass this as the sync's `connect` effect. */
export type ConnectMySql = () => Promise<MySqlClient>;

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EPIPE',
]);
const LOST = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ECONNRESET',
  'EPIPE',
  'ER_SERVER_SHUTDOWN',
]);

function driverCode(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
}

/** Maps a driver failure of a running statement to a SyncError. */
export function toQueryError(error: unknown, sql: string): SyncError {
  if (error instanceof SyncError) return error;
  const code = driverCode(error);
  const errno = error && typeof error === 'object' && 'errno' in error ? Number(error.errno) : 0;
  const statement = sql.length > 160 ? `${sql.slice(0, 160)}…` : sql;
  // 1927: MariaDB "Connection was killed"; 1053: server shutdown; 2013: lost connection during query.
  const fatal = Boolean(error && typeof error === 'object' && 'fatal' in error && error.fatal);
  const closed = error instanceof Error && /closed state|connection is closed/i.test(error.message);
  if (
    fatal ||
    closed ||
    LOST.has(code) ||
    errno === 1927 ||
    errno === 1053 ||
    errno === 2013 ||
    errno === 1317
  ) {
    return new SyncError(
      'MYSQL_CONNECTION_LOST',
      `The MySQL connection was lost while running: ${statement}`,
      {
        cause: error,
      },
    );
  }
  return new SyncError('MYSQL_QUERY_FAILED', `MySQL rejected: ${statement}`, { cause: error });
}

function wrap(connection: mysql.Connection, threadId: number): MySqlClient {
  const run = async <T>(sql: string, params: unknown[] | undefined): Promise<T> => {
    try {
      const [result] = await connection.query({ sql, values: params ?? [] });
      return result as T;
    } catch (error) {
      throw toQueryError(error, sql);
    }
  };
  return {
    threadId,
    query: <T>(sql: string, params?: unknown[]) => run<T[]>(sql, params),
    async execute(sql, params) {
      const result = await run<{ affectedRows?: number }>(sql, params);
      return result.affectedRows ?? 0;
    },
    async loadLocalFile(sql, localPath) {
      try {
        const [result] = await connection.query({
          sql,
          infileStreamFactory: () => createReadStream(localPath, { highWaterMark: 1 << 20 }),
        });
        const header = result as { affectedRows?: number; warningStatus?: number };
        return { rows: header.affectedRows ?? 0, warnings: header.warningStatus ?? 0 };
      } catch (error) {
        throw toQueryError(error, sql);
      }
    },
    async *stream<T>(sql: string, params?: unknown[]) {
      // The promise wrapper has no streaming; its callback connection does.
      const core = (connection as unknown as { connection: CoreConnection }).connection;
      const rows = core.query({ sql, values: params ?? [] }).stream({ highWaterMark: 1000 });
      try {
        for await (const row of rows) yield row as T;
      } catch (error) {
        throw toQueryError(error, sql);
      }
    },
    async close() {
      await connection.end().catch(() => connection.destroy());
    },
  };
}

/**
 * Connects with the options the sync relies on: utf8mb4, text dates (DATETIME is read back unchanged),
 * big numbers as strings, LOAD DATA LOCAL allowed on the client side.
 */
export async function connectMySql(url: string): Promise<MySqlClient> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      uri: url,
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      connectTimeout: 10_000,
      multipleStatements: false,
    });
  } catch (error) {
    const code = driverCode(error);
    const where = url.replace(/\/\/[^@/]*@/, '//');
    if (UNREACHABLE.has(code) || code === 'ETIMEDOUT' || code === 'PROTOCOL_CONNECTION_LOST') {
      throw new SyncError('MYSQL_UNREACHABLE', `Cannot reach MySQL at ${where} (${code})`, { cause: error });
    }
    throw new SyncError('MYSQL_UNREACHABLE', `Cannot connect to MySQL at ${where}`, { cause: error });
  }
  // A killed or dropped connection emits 'error'; the failing query reports it, so keep the process alive.
  connection.on('error', () => {});
  return wrap(connection, connection.threadId ?? 0);
}

/** `connect` effect for a URL such as mysql://root@127.0.0.1:3306/front. */
export function createMySqlConnector(url: string): ConnectMySql {
  return () => connectMySql(url);
}
