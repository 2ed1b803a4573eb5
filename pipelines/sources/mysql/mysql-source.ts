// MySQL / MariaDB source (mysql2). One consistent cut per run: START TRANSACTION WITH CONSISTENT SNAPSHOT on one
// connection, the binlog position read alongside (MariaDB's binlog_snapshot_* status is exact for the snapshot;
// otherwise SHOW MASTER STATUS; none when binary logging is off). Tables are read one after another on that
// connection with streaming queries, so memory stays bounded. The run's signal reaches the server: on abort that
// connection is KILLed from a second one (see killConnection).

import mysql from 'mysql2';
import mysqlPromise, { type Connection as PromiseConnection, type RowDataPacket } from 'mysql2/promise';
import {
  SourceError,
  AbortGuard,
  type ReadRequest,
  type SessionOptions,
  type Source,
  type SourceColumn,
  type SourcePosition,
  type SourceSession,
  type TableRef,
  type TextRow,
} from '../source';
import {
  batchSizeOf,
  fromDriverError,
  inBatches,
  openGuardedSession,
  settledFailure,
} from '../session-steps';
import { DESCRIBE_MYSQL_TABLE, buildMysqlSelect, qualifyMysqlTable } from './mysql-sql';
import { mapMysqlType } from './type-mapping';
import { logCleanupFailure } from '../../support/cleanup';

type TypeCastField = { string(): string | null };

// Every value as the server's text: exact decimals, no Date rounding.
const asText = (field: TypeCastField): string | null => field.string();

function toSourceError(error: unknown, what: string): SourceError {
  return fromDriverError(error, what, (code, message) =>
    code === 'PROTOCOL_CONNECTION_LOST' ||
    code === 'ER_CONNECTION_KILLED' ||
    code === 'ECONNRESET' ||
    /Connection lost|connection was killed|closed state/i.test(message)
      ? 'SOURCE_CONNECTION_LOST'
      : code === 'ER_NO_SUCH_TABLE'
        ? 'SOURCE_TABLE_NOT_FOUND'
        : 'SOURCE_QUERY_FAILED',
  );
}

async function readBinlogPosition(connection: PromiseConnection): Promise<SourcePosition> {
  try {
    const [rows] = await connection.query<RowDataPacket[]>("SHOW STATUS LIKE 'binlog_snapshot_%'");
    const byName = new Map(rows.map((row) => [String(row.Variable_name), String(row.Value)]));
    const file = byName.get('Binlog_snapshot_file');
    const position = byName.get('Binlog_snapshot_position');
    if (file && position) return { kind: 'binlog', value: `${file}:${position}` };
    const [master] = await connection.query<RowDataPacket[]>('SHOW MASTER STATUS');
    const row = master[0];
    if (row?.File) return { kind: 'binlog', value: `${String(row.File)}:${String(row.Position)}` };
  } catch {
    // No privilege or no binary log: the cut is still consistent, it just has no log position to record.
  }
  return { kind: 'none', value: '' };
}

/**
 * Ends the session's connection on the server: KILL CONNECTION from a second one (a statement does not notice its
 * client going away; KILL QUERY does not wake a thread blocked sending rows to a client that stopped reading, a
 * paused stream), then waits (up to 5 s) until the thread has left the process list, so a read that fails with
 * the abort has nothing left running. Killing the whole connection also ends the snapshot transaction. Without a
 * second connection our socket is destroyed instead, so at least the read stops waiting. Never rejects.
 */
async function killConnection(url: string, core: mysql.Connection): Promise<void> {
  const id = Number(core.threadId);
  try {
    const killer = await mysqlPromise.createConnection({ uri: url, connectTimeout: 10_000 });
    try {
      await killer.query(`KILL CONNECTION ${id}`);
      for (const until = Date.now() + 5_000; Date.now() < until;) {
        const [left] = await killer.query<RowDataPacket[]>(
          'SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?',
          [id],
        );
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await killer.end().catch(logCleanupFailure('killer.end()'));
    }
  } catch {
    core.destroy();
  }
}

export class MysqlSource implements Source {
  readonly kind = 'mysql';

  constructor(private readonly url: string) {}

  async openSession(options: SessionOptions = {}): Promise<SourceSession> {
    const what = 'Opening a consistent MySQL snapshot';
    return openGuardedSession<mysql.Connection, SourceSession>({
      what,
      signal: options.signal,
      connect: async () => {
        const core = mysql.createConnection({ uri: this.url, connectTimeout: 10_000, timezone: 'Z' });
        core.on('error', () => undefined);
        try {
          await core.promise().connect();
        } catch (cause) {
          core.destroy();
          throw new SourceError(
            'SOURCE_UNREACHABLE',
            `Cannot connect to MySQL: ${(cause as Error).message}`,
            {
              cause,
            },
          );
        }
        return core;
      },
      stop: (core) => killConnection(this.url, core),
      start: async (core, guard) => {
        const connection = core.promise();
        await connection.query("SET SESSION time_zone = '+00:00'");
        await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        // Read BEFORE the snapshot starts, so the time is never later than the cut.
        const [clock] = await connection.query<RowDataPacket[]>(
          "SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ') AS cut_at",
        );
        // A FLUSH TABLES WITH READ LOCK elsewhere can hold this for as long as it lasts: the abort reaches it too.
        await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
        const position = await readBinlogPosition(connection);
        guard.check(what);
        return new MysqlSession(core, position, String(clock[0]?.cut_at), guard);
      },
      discard: (core) =>
        core
          .promise()
          .end()
          .catch(() => core.destroy()),
      toError: toSourceError,
    });
  }
}

class MysqlSession implements SourceSession {
  private readonly connection: PromiseConnection;

  constructor(
    private readonly core: mysql.Connection,
    readonly position: SourcePosition,
    readonly cutAt: string,
    private readonly guard: AbortGuard,
  ) {
    this.connection = core.promise();
  }

  /** Once aborted: waits until the server has dropped the connection, then reports the abort. */
  private failure(error: unknown, what: string): Promise<SourceError> {
    return settledFailure(this.guard, error, what, toSourceError);
  }

  async describeTable(table: TableRef): Promise<SourceColumn[]> {
    let rows: RowDataPacket[];
    const what = `Describing ${qualifyMysqlTable(table)}`;
    this.guard.check(what);
    try {
      [rows] = await this.connection.query<RowDataPacket[]>(DESCRIBE_MYSQL_TABLE, [
        table.schema ?? null,
        table.name,
      ]);
    } catch (error) {
      throw await this.failure(error, what);
    }
    if (rows.length === 0) {
      throw new SourceError('SOURCE_TABLE_NOT_FOUND', `MySQL has no table ${qualifyMysqlTable(table)}`);
    }
    return rows.map((row) => ({
      name: String(row.name),
      sourceType: String(row.type),
      nullable: String(row.nullable) === 'YES',
      type: mapMysqlType(String(row.type)),
    }));
  }

  async queryText(sql: string): Promise<TextRow[]> {
    const what = 'Reconcile checksum query';
    this.guard.check(what);
    try {
      const [rows] = await this.connection.query({ sql, rowsAsArray: true, typeCast: asText });
      return rows as unknown as TextRow[];
    } catch (error) {
      throw await this.failure(error, what);
    }
  }

  async *readRows(request: ReadRequest): AsyncIterable<TextRow[]> {
    const query = buildMysqlSelect(request);
    const batchSize = batchSizeOf(request);
    const what = `Reading ${qualifyMysqlTable(request.table)}`;
    this.guard.check(what);
    const stream = this.core
      .query({ sql: query.sql, values: query.values, rowsAsArray: true, typeCast: asText })
      .stream({ highWaterMark: batchSize });
    // mysql2 does not always fail a paused result stream when its connection dies (KILL, network): watch the
    // connection and the socket ourselves and fail the stream. Upstream:
    // https://github.com/sidorares/node-mysql2/issues/3082 (open).
    const lost = (error?: unknown): void => {
      stream.destroy(
        error instanceof Error ? error : new Error('Connection lost: the server closed the connection'),
      );
    };
    const socket = (this.core as unknown as { stream?: NodeJS.EventEmitter }).stream;
    this.core.once('error', lost);
    this.core.once('end', lost);
    socket?.once('close', lost);
    try {
      yield* inBatches(stream as AsyncIterable<TextRow>, batchSize, this.guard, what, (row) => row);
    } catch (error) {
      throw await this.failure(error, what);
    } finally {
      this.core.off('error', lost);
      this.core.off('end', lost);
      socket?.off('close', lost);
      stream.destroy();
      // However the read ends (failed, or left by its consumer after an abort), it ends with the server's side.
      await this.guard.settled();
    }
  }

  async close(): Promise<void> {
    await this.guard.settled();
    this.guard.dispose();
    await this.connection.query('COMMIT').catch(logCleanupFailure("this.connection.query('COMMIT')"));
    await this.connection.end().catch(logCleanupFailure('this.connection.end()'));
  }
}
