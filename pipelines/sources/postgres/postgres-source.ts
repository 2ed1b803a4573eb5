// PostgreSQL source (pg). One consistent cut per run: a REPEATABLE READ transaction exports its snapshot
// (pg_export_snapshot) and records pg_current_wal_lsn(); every table is then read on its own connection that
// imports that snapshot (SET TRANSACTION SNAPSHOT), through a server-side cursor, so memory stays bounded and
// all tables of a run show the same committed state.

import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  DEFAULT_BATCH_SIZE,
  SourceError,
  type ReadRequest,
  type Source,
  type SourceColumn,
  type SourceSession,
  type TableRef,
  type TextRow,
} from '../source';
import { DESCRIBE_POSTGRES_TABLE, buildPostgresSelect, qualifyPostgresTable } from './postgres-sql';
import { mapPostgresType } from './type-mapping';

// Every value arrives as PostgreSQL's own text: exact for numeric, no JS Date rounding for timestamps.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

function toSourceError(error: unknown, what: string): SourceError {
  if (error instanceof SourceError) return error;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  // 57P01 admin_shutdown (pg_terminate_backend), 08xxx connection exceptions, or the socket going away.
  const lost =
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code?.startsWith('08') === true ||
    /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(message);
  return new SourceError(lost ? 'SOURCE_CONNECTION_LOST' : 'SOURCE_QUERY_FAILED', `${what}: ${message}`, {
    cause: error,
    ...(code ? { sourceCode: code } : {}),
  });
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, types: TEXT_TYPES });
  // A client whose server goes away emits 'error'; the pending query rejects too, which is what we report.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw new SourceError('SOURCE_UNREACHABLE', `Cannot connect to PostgreSQL: ${(cause as Error).message}`, {
      cause,
    });
  }
  return client;
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

  async openSession(): Promise<SourceSession> {
    const main = await connect(this.url);
    try {
      await beginSnapshotTransaction(main);
      const row = (
        await main.query<{ snapshot: string; lsn: string | null }>(
          `SELECT pg_export_snapshot() AS snapshot,
             CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text AS lsn`,
        )
      ).rows[0];
      if (!row) throw new SourceError('SOURCE_QUERY_FAILED', 'pg_export_snapshot returned no row');
      return new PostgresSession(this.url, main, row.snapshot, row.lsn ?? '');
    } catch (error) {
      await main.end().catch(() => undefined);
      throw toSourceError(error, 'Opening a consistent PostgreSQL snapshot failed');
    }
  }
}

class PostgresSession implements SourceSession {
  readonly position;
  private readonly readers = new Set<pg.Client>();

  constructor(
    private readonly url: string,
    private readonly main: pg.Client,
    private readonly snapshotId: string,
    lsn: string,
  ) {
    this.position = { kind: 'lsn' as const, value: lsn };
  }

  async describeTable(table: TableRef): Promise<SourceColumn[]> {
    const relation = qualifyPostgresTable(table);
    let rows: { name: string; type: string; nullable: string }[];
    try {
      rows = (await this.main.query(DESCRIBE_POSTGRES_TABLE, [relation])).rows;
    } catch (error) {
      throw toSourceError(error, `Describing ${relation} failed`);
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

  async *readRows(request: ReadRequest): AsyncIterable<TextRow[]> {
    const query = buildPostgresSelect(request);
    const batchSize = Math.max(1, Math.floor(request.batchSize ?? DEFAULT_BATCH_SIZE));
    const client = await connect(this.url);
    this.readers.add(client);
    try {
      await beginSnapshotTransaction(client, this.snapshotId);
      await client.query({
        text: `DECLARE extract_cursor NO SCROLL CURSOR FOR ${query.text}`,
        values: query.values,
      });
      for (;;) {
        const result = await client.query<TextRow>({
          text: `FETCH FORWARD ${batchSize} FROM extract_cursor`,
          rowMode: 'array',
        });
        if (result.rows.length === 0) break;
        yield result.rows;
      }
      await client.query('COMMIT');
    } catch (error) {
      throw toSourceError(error, `Reading ${qualifyPostgresTable(request.table)} failed`);
    } finally {
      this.readers.delete(client);
      await client.end().catch(() => undefined);
    }
  }

  async *readCsv(request: ReadRequest): AsyncIterable<Uint8Array> {
    const query = buildPostgresSelect(request);
    const client = await connect(this.url);
    this.readers.add(client);
    try {
      await beginSnapshotTransaction(client, this.snapshotId);
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
      throw toSourceError(error, `Reading ${qualifyPostgresTable(request.table)} failed`);
    } finally {
      this.readers.delete(client);
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.main.query('COMMIT').catch(() => undefined);
    await this.main.end().catch(() => undefined);
    await Promise.all([...this.readers].map((client) => client.end().catch(() => undefined)));
  }
}
