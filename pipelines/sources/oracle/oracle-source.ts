// Oracle source (oracledb thin mode, no Instant Client). One consistent cut per run: read CURRENT_SCN once, then
// every table is read with a flashback query AS OF SCN, so all tables show the database as of that SCN (undo
// retention permitting: ORA-01555 / ORA-08180 surface with their code). Rows stream (queryStream) in batches.
// The run's signal reaches the server: on abort connection.break() interrupts the call in progress (ORA-01013).

import oracledb, { type ColumnMetadata, type Connection } from 'oracledb';
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
import {
  batchSizeOf,
  fromDriverError,
  inBatches,
  openGuardedSession,
  settledFailure,
} from '../session-steps';
import {
  DESCRIBE_ORACLE_TABLE,
  READ_CURRENT_SCN,
  READ_CUT_TIME,
  READ_CURRENT_SCN_FALLBACK,
  buildOracleSelect,
  qualifyOracleTable,
} from './oracle-sql';
import { describeOracleType, mapOracleType } from './type-mapping';
import { logCleanupFailure } from '../../support/cleanup';

export interface OracleConnectOptions {
  /** host:port/service (Easy Connect). */
  connectString: string;
  user?: string;
  password?: string;
}

/** ORA-nnnnn of an error, from its code or its message. */
export function findOraCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^ORA-\d+$/.test(code)) return code;
  const message = error instanceof Error ? error.message : String(error);
  return /\b(ORA-\d{5})\b/.exec(message)?.[1] ?? (typeof code === 'string' ? code : undefined);
}

function toSourceError(error: unknown, what: string): SourceError {
  // ORA-00942 table or view does not exist; ORA-00028/03113/03135 session killed or connection lost.
  return fromDriverError(
    error,
    what,
    (code) =>
      code === 'ORA-00942'
        ? 'SOURCE_TABLE_NOT_FOUND'
        : code === 'ORA-00028' ||
            code === 'ORA-03113' ||
            code === 'ORA-03135' ||
            /^NJS-(500|501|503)$/.test(code ?? '')
          ? 'SOURCE_CONNECTION_LOST'
          : 'SOURCE_QUERY_FAILED',
    findOraCode,
  );
}

// Numbers as text (exact, no float rounding), LOBs fetched whole: CLOB as text, BLOB as bytes.
function fetchAsText(metadata: ColumnMetadata): { type: unknown } | undefined {
  const type = metadata.dbType;
  if (
    type === oracledb.DB_TYPE_NUMBER ||
    type === oracledb.DB_TYPE_BINARY_FLOAT ||
    type === oracledb.DB_TYPE_BINARY_DOUBLE ||
    type === oracledb.DB_TYPE_CLOB ||
    type === oracledb.DB_TYPE_NCLOB
  ) {
    return { type: oracledb.STRING };
  }
  if (type === oracledb.DB_TYPE_BLOB) return { type: oracledb.BUFFER };
  return undefined;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return String(value);
}

export class OracleSource implements Source {
  readonly kind = 'oracle';

  constructor(private readonly options: OracleConnectOptions) {}

  async openSession(options: SessionOptions = {}): Promise<SourceSession> {
    const what = 'Reading the current SCN';
    return openGuardedSession<Connection, SourceSession>({
      what,
      signal: options.signal,
      connect: async () => {
        try {
          return await oracledb.getConnection(this.options);
        } catch (cause) {
          throw toSourceError(cause, `Cannot connect to Oracle at ${this.options.connectString}`);
        }
      },
      // break() interrupts the call in progress on the server, which fails with ORA-01013 (the session stays
      // usable until closed). With none in progress (a paused stream) it does nothing and the checks between
      // batches stop the read; its stream's cursor is closed as the read ends.
      stop: (connection) => connection.break().catch(logCleanupFailure('connection.break()')),
      start: async (connection, guard) => {
        await connection.execute(`ALTER SESSION SET TIME_ZONE = 'UTC'`);
        const cutAt = String(
          (await connection.execute<unknown[]>(READ_CUT_TIME, {}, { fetchTypeHandler: fetchAsText }))
            .rows?.[0]?.[0],
        );
        let scn: string;
        try {
          scn = String(
            (await connection.execute<unknown[]>(READ_CURRENT_SCN, {}, { fetchTypeHandler: fetchAsText }))
              .rows?.[0]?.[0],
          );
        } catch (error) {
          if (options.signal?.aborted) throw error;
          scn = String(
            (
              await connection.execute<unknown[]>(
                READ_CURRENT_SCN_FALLBACK,
                {},
                { fetchTypeHandler: fetchAsText },
              )
            ).rows?.[0]?.[0],
          );
        }
        guard.check(what);
        return new OracleSession(connection, scn, cutAt, guard);
      },
      discard: (connection) => connection.close().catch(logCleanupFailure('connection.close()')),
      toError: toSourceError,
    });
  }
}

class OracleSession implements SourceSession {
  readonly position;

  constructor(
    private readonly connection: Connection,
    private readonly scn: string,
    readonly cutAt: string,
    private readonly guard: AbortGuard,
  ) {
    this.position = { kind: 'scn' as const, value: scn };
  }

  /** Once aborted: waits for the break to be acknowledged, then reports the abort (not ORA-01013). */
  private failure(error: unknown, what: string): Promise<SourceError> {
    return settledFailure(this.guard, error, what, toSourceError);
  }

  async describeTable(table: TableRef): Promise<SourceColumn[]> {
    let rows: unknown[][];
    const what = `Describing ${qualifyOracleTable(table)}`;
    this.guard.check(what);
    try {
      rows =
        (
          await this.connection.execute<unknown[]>(
            DESCRIBE_ORACLE_TABLE,
            { owner: table.schema?.toUpperCase() ?? null, name: table.name.toUpperCase() },
            { outFormat: oracledb.OUT_FORMAT_ARRAY },
          )
        ).rows ?? [];
    } catch (error) {
      throw await this.failure(error, what);
    }
    if (rows.length === 0) {
      throw new SourceError('SOURCE_TABLE_NOT_FOUND', `Oracle has no table ${qualifyOracleTable(table)}`, {
        sourceCode: 'ORA-00942',
      });
    }
    return rows.map(([name, dataType, precision, scale, nullable]) => {
      const type = {
        dataType: String(dataType),
        precision: precision === null ? null : Number(precision),
        scale: scale === null ? null : Number(scale),
      };
      return {
        name: String(name).toLowerCase(),
        sourceType: describeOracleType(type),
        nullable: nullable === 'Y',
        type: mapOracleType(type),
      };
    });
  }

  async queryText(sql: string): Promise<TextRow[]> {
    const what = 'Reconcile checksum query';
    this.guard.check(what);
    try {
      const result = await this.connection.execute<unknown[]>(
        sql,
        {},
        { outFormat: oracledb.OUT_FORMAT_ARRAY, fetchTypeHandler: fetchAsText },
      );
      return (result.rows ?? []).map((row) => row.map(toText));
    } catch (error) {
      throw await this.failure(error, what);
    }
  }

  async *readRows(request: ReadRequest): AsyncIterable<TextRow[]> {
    const query = buildOracleSelect(request, this.scn);
    const batchSize = batchSizeOf(request);
    const what = `Reading ${qualifyOracleTable(request.table)} AS OF SCN ${this.scn}`;
    this.guard.check(what);
    const stream = this.connection.queryStream(query.sql, query.binds, {
      outFormat: oracledb.OUT_FORMAT_ARRAY,
      fetchArraySize: Math.min(batchSize, 5_000),
      fetchTypeHandler: fetchAsText,
    });
    try {
      yield* inBatches(stream, batchSize, this.guard, what, (row) => row.map(toText));
    } catch (error) {
      throw await this.failure(error, what);
    } finally {
      stream.destroy();
    }
  }

  async close(): Promise<void> {
    await this.guard.settled();
    this.guard.dispose();
    await this.connection.close().catch(logCleanupFailure('this.connection.close()'));
  }
}
