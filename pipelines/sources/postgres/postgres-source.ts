// PostgreSQL source (pg). One consistent cut per run: a REPEATABLE READ transaction exports its snapshot
// (pg_export_snapshot) and records pg_current_wal_lsn(); every table is then read on its own connection that
// imports that snapshot (SET TRANSACTION SNAPSHOT), through a server-side cursor, so memory stays bounded and
// all tables of a run show the same committed state. The run's signal reaches the server: on abort every
// connection of the session is terminated from a second connection (see stopBackends).

import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  SourceError,
  AbortGuard,
  type ReadRequest,
  type SessionOptions,
  type Source,
  type SourceColumn,
  type SourceSession,
  type TableRef,
  type TextRow,
} from '../source';
import { batchSizeOf, fromDriverError, openGuardedSession } from '../session-steps';
import { DESCRIBE_POSTGRES_TABLE, buildPostgresSelect, qualifyPostgresTable } from './postgres-sql';
import { mapPostgresType } from './type-mapping';
import { logCleanupFailure } from '../../support/cleanup';

// Every value arrives as PostgreSQL's own text: exact for numeric, no JS Date rounding for timestamps.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

function toSourceError(error: unknown, what: string): SourceError {
  // 57P01 admin_shutdown (pg_terminate_backend), 08xxx connection exceptions, or the socket going away.
  return fromDriverError(error, what, (code, message) =>
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code?.startsWith('08') === true ||
    /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(message)
      ? 'SOURCE_CONNECTION_LOST'
      : 'SOURCE_QUERY_FAILED',
  );
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, types: TEXT_TYPES });
  // A client whose server goes away emits 'error'; the pending query rejects too, which is what we report.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(logCleanupFailure('client.end()'));
    throw new SourceError('SOURCE_UNREACHABLE', `Cannot connect to PostgreSQL: ${(cause as Error).message}`, {
      cause,
    });
  }
  return client;
}

/**
 * Ends the server side of these connections: pg_terminate_backend from a second connection, then waits (up to
 * 5 s) until they are gone from pg_stat_activity, so a read that fails with the abort has nothing left running.
 * Not pg_cancel_backend: a cancel is ignored while a backend is blocked sending rows to a client that stopped
 * reading (a paused COPY or cursor), and a terminated reader leaves nothing behind (its transaction is read-only;
 * the session is finished anyway). Without a second connection our side is closed instead (`end()` destroys the
 * socket of a busy client), so at least the read stops waiting. Never rejects.
 */
async function stopBackends(url: string, clients: pg.Client[]): Promise<void> {
  const pids = clients
    .map((client) => (client as unknown as { processID?: number }).processID)
    .filter((pid): pid is number => Number.isInteger(pid));
  try {
    const killer = await connect(url);
    try {
      await killer.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
      for (const until = Date.now() + 5_000; Date.now() < until;) {
        const left = await killer.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
        if (left.rows.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await killer.end().catch(logCleanupFailure('killer.end()'));
    }
  } catch {
    await Promise.all(clients.map((client) => client.end().catch(logCleanupFailure('client.end()'))));
  }
}

async function beginSnapshotTransaction(client: pg.Client, snapshotId?: string): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  if (snapshotId) await client.query(`SET TRANSACTION SNAPSHOT '${snapshotId.replace(/'/g, "''")}'`);
  await client.query("SET LOCAL TimeZone = 'UTC'");
  await client.query("SET LOCAL IntervalStyle = 'iso_8601'");
  await client.query("SET LOCAL extra_float_digits = '3'");
}

export class PostgresSource implements Source {
  readonly kind = 'postgres';

  constructor(private readonly url: string) {}

  async openSession(options: SessionOptions = {}): Promise<SourceSession> {
    // Every connection the session opens (main, then each read's), so an abort reaches whichever is busy.
    const clients = new Set<pg.Client>();
    return openGuardedSession<pg.Client, SourceSession>({
      what: 'Opening a consistent PostgreSQL snapshot',
      signal: options.signal,
      connect: async () => {
        const main = await connect(this.url);
        clients.add(main);
        return main;
      },
      stop: () => stopBackends(this.url, [...clients]),
      start: async (main, guard) => {
        await beginSnapshotTransaction(main);
        // now() is the transaction's start, taken before its snapshot: never later than the cut.
        const row = (
          await main.query<{ snapshot: string; lsn: string | null; cut_at: string }>(
            `SELECT pg_export_snapshot() AS snapshot,
             to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cut_at,
             CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text AS lsn`,
          )
        ).rows[0];
        if (!row) throw new SourceError('SOURCE_QUERY_FAILED', 'pg_export_snapshot returned no row');
        return new PostgresSession(this.url, main, row.snapshot, row.lsn ?? '', row.cut_at, clients, guard);
      },
      discard: (main) => main.end().catch(logCleanupFailure('main.end()')),
      toError: toSourceError,
    });
  }
}

class PostgresSession implements SourceSession {
  readonly position;

  constructor(
    private readonly url: string,
    private readonly main: pg.Client,
    private readonly snapshotId: string,
    lsn: string,
    readonly cutAt: string,
    private readonly clients: Set<pg.Client>,
    private readonly guard: AbortGuard,
  ) {
    this.position = { kind: 'lsn' as const, value: lsn };
  }

  private failure(error: unknown, what: string): SourceError {
    return this.guard.failure(error, what, (cause) => toSourceError(cause, `${what} failed`));
  }

  /** A reader connection in the session's snapshot, registered so an abort reaches it. */
  private async openReader(what: string): Promise<pg.Client> {
    this.guard.check(what);
    const client = await connect(this.url);
    this.clients.add(client);
    try {
      this.guard.check(what);
      await beginSnapshotTransaction(client, this.snapshotId);
      return client;
    } catch (error) {
      await this.closeReader(client);
      throw this.failure(error, what);
    }
  }

  /**
   * Every read ends here, however it ends (done, failed, or left by its consumer): after an abort, only once the
   * server has let go of it, so the read's failure means nothing of it still runs there.
   */
  private async closeReader(client: pg.Client): Promise<void> {
    await this.guard.settled();
    this.clients.delete(client);
    await client.end().catch(logCleanupFailure('client.end()'));
  }

  async describeTable(table: TableRef): Promise<SourceColumn[]> {
    const relation = qualifyPostgresTable(table);
    let rows: { name: string; type: string; nullable: string }[];
    this.guard.check(`Describing ${relation}`);
    try {
      rows = (await this.main.query(DESCRIBE_POSTGRES_TABLE, [relation])).rows;
    } catch (error) {
      await this.guard.settled();
      throw this.failure(error, `Describing ${relation}`);
    }
    if (rows.length === 0) {
      throw new SourceError('SOURCE_TABLE_NOT_FOUND', `PostgreSQL has no table ${relation}`);
    }
    return rows.map((row) => ({
      name: row.name,
      sourceType: row.type,
      nullable: row.nullable === 't' || row.nullable === 'true',
      type: mapPostgresType(row.type),
    }));
  }

  async queryText(sql: string): Promise<TextRow[]> {
    const what = 'Reconcile checksum query';
    this.guard.check(what);
    try {
      return (await this.main.query<TextRow>({ text: sql, rowMode: 'array' })).rows;
    } catch (error) {
      await this.guard.settled();
      throw this.failure(error, what);
    }
  }

  async *readRows(request: ReadRequest): AsyncIterable<TextRow[]> {
    const query = buildPostgresSelect(request);
    const batchSize = batchSizeOf(request);
    const what = `Reading ${qualifyPostgresTable(request.table)}`;
    const client = await this.openReader(what);
    try {
      await client.query({
        text: `DECLARE extract_cursor NO SCROLL CURSOR FOR ${query.text}`,
        values: query.values,
      });
      for (;;) {
        this.guard.check(what);
        const result = await client.query<TextRow>({
          text: `FETCH FORWARD ${batchSize} FROM extract_cursor`,
          rowMode: 'array',
        });
        if (result.rows.length === 0) break;
        yield result.rows;
      }
      await client.query('COMMIT');
    } catch (error) {
      throw this.failure(error, what);
    } finally {
      await this.closeReader(client);
    }
  }

  async *readCsv(request: ReadRequest): AsyncIterable<Uint8Array> {
    const query = buildPostgresSelect(request);
    const what = `Reading ${qualifyPostgresTable(request.table)}`;
    const client = await this.openReader(what);
    try {
      // COPY cannot take parameters: the watermark goes in as a quoted literal of the parameter's text.
      const text = query.values.reduce(
        (sql, value, index) => sql.replace(`$${index + 1}`, `'${value.replace(/'/g, "''")}'`),
        query.text,
      );
      const stream = client.query(copyTo(`COPY (${text}) TO STDOUT WITH (FORMAT csv)`));
      // A dead connection does not always fail the COPY stream: fail it from the client's error too.
      const lost = (error: Error): void => {
        stream.destroy(error);
      };
      client.once('error', lost);
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
      } finally {
        client.off('error', lost);
      }
      await client.query('COMMIT');
    } catch (error) {
      throw this.failure(error, what);
    } finally {
      await this.closeReader(client);
    }
  }

  async close(): Promise<void> {
    await this.guard.settled();
    this.guard.dispose();
    this.clients.delete(this.main);
    await this.main.query('COMMIT').catch(logCleanupFailure("this.main.query('COMMIT')"));
    await this.main.end().catch(logCleanupFailure('this.main.end()'));
    await Promise.all([...this.clients].map((client) => this.closeReader(client)));
  }
}
