// The one Source interface (ARCHITECTURE.md §6): every database we extract from (Oracle, PostgreSQL, MySQL) opens
// a consistent cut of itself (a "session"), describes tables in Delta terms and streams rows as text. Each
// implementation passes test/sources/source-contract.ts. Values travel as text (or null) in a form DuckDB casts
// exactly (see MappedType.decode), which keeps numerics and timestamps lossless and the drivers simple.

import type { SourceKind } from './kinds';
import { errorGuard } from '../support/coded-error';

/** How a source column lands: its Delta (Spark) type, the DuckDB type written to Parquet, and how text decodes. */
export interface MappedType {
  /** Delta/Spark type: long, integer, decimal(p,s), double, string, boolean, date, timestamp, binary, array<…>. */
  delta: string;
  /** DuckDB type of the Parquet column. */
  duckdb: string;
  /**
   * How the text value becomes `duckdb`: cast (CAST(v AS duckdb)), hex (from_hex: binary sent as hex digits),
   * utc_timestamp (a wall-clock timestamp taken as UTC), json (a JSON array cast to a DuckDB list).
   */
  decode: 'cast' | 'hex' | 'utc_timestamp' | 'json';
}

export interface SourceColumn {
  name: string;
  /** The type as the source declares it, e.g. numeric(14,2), VARCHAR2(40 CHAR), int(10) unsigned. */
  sourceType: string;
  nullable: boolean;
  type: MappedType;
}

/** Where the cut was taken in the source's log: PostgreSQL WAL LSN, Oracle SCN, MySQL binlog file:position. */
export interface SourcePosition {
  kind: 'lsn' | 'scn' | 'binlog' | 'none';
  value: string;
}

export interface TableRef {
  /** PostgreSQL schema, Oracle owner or MySQL database; the connection's default when absent. */
  schema?: string;
  name: string;
}

export interface ReadRequest {
  table: TableRef;
  columns: SourceColumn[];
  /**
   * Incremental read: rows whose watermark column is >= from (text, as recorded from an earlier run), and < to
   * when given (a time-range re-extract reads [from, to)).
   */
  watermark?: { column: string; from: string; to?: string };
  /** Rows per yielded batch. */
  batchSize?: number;
  /**
   * Only the rows with these keys (reconcile's repair): key column names, and per key its values as text, as the
   * extract renders them. Not combined with `watermark`.
   */
  keyIn?: { columns: string[]; values: string[][] };
}

export type TextRow = (string | null)[];

/** One consistent cut of the source: every read through it sees the same committed state. */
export interface SourceSession {
  readonly position: SourcePosition;
  /**
   * The source's own clock (ISO UTC) at or just before the cut was taken: every change committed before it is in
   * the cut, so it is the data's "as of" time (issue 14). Absent when the source cannot tell; the run then uses
   * the worker's clock from before it opened the session.
   */
  readonly cutAt?: string;
  /** Columns of a table in source order; SOURCE_TABLE_NOT_FOUND when it does not exist. */
  describeTable(table: TableRef): Promise<SourceColumn[]>;
  /** Rows of the table as text in request.columns order, in batches. */
  readRows(request: ReadRequest): AsyncIterable<TextRow[]>;
  /**
   * Optional fast path: the same rows as CSV bytes straight from the database (',' delimiter, '"' quote and
   * escape, NULL as an unquoted empty field, '' as ""), e.g. PostgreSQL's COPY TO STDOUT. Extraction prefers it.
   */
  readCsv?(request: ReadRequest): AsyncIterable<Uint8Array>;
  /**
   * Runs one query in the session's cut and returns every row as text (NULL as null): reconcile's checksums,
   * whose results are small (one row per chunk, or the keys of a few chunks). The SQL is built by the kind's
   * checksum dialect from validated identifiers; it takes no parameters.
   */
  queryText?(sql: string): Promise<TextRow[]>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /**
   * The run's timeout or cancel. It reaches the database: on abort the session's work is ended on the server
   * (PostgreSQL pg_terminate_backend, MySQL KILL CONNECTION, Oracle break), not merely left behind; the call in
   * progress and every later one fail with SOURCE_ABORTED, whose message carries the abort's reason.
   */
  signal?: AbortSignal;
}

export interface Source {
  readonly kind: SourceKind;
  openSession(options?: SessionOptions): Promise<SourceSession>;
}

export type SourceErrorCode =
  | 'SOURCE_UNREACHABLE'
  | 'SOURCE_QUERY_FAILED'
  | 'SOURCE_TABLE_NOT_FOUND'
  | 'SOURCE_CONNECTION_LOST'
  | 'SOURCE_ABORTED'
  | 'UNSUPPORTED_TYPE'
  | 'INVALID_IDENTIFIER';

export class SourceError extends Error {
  readonly code: SourceErrorCode;
  /** The database's own error code when it gave one (ORA-01555, 57P01, ER_NO_SUCH_TABLE…). */
  readonly sourceCode: string | undefined;

  constructor(code: SourceErrorCode, message: string, options?: { cause?: unknown; sourceCode?: string }) {
    super(`${message} (${code}${options?.sourceCode ? `, ${options.sourceCode}` : ''})`, options);
    this.name = 'SourceError';
    this.code = code;
    this.sourceCode = options?.sourceCode;
  }
}

export const isSourceError = errorGuard(SourceError);

/** SOURCE_ABORTED for an aborted signal: the message says what stopped and why ("Timed out after 30 s"). */
export function sourceAborted(signal: AbortSignal, what: string): SourceError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : String(reason);
  return new SourceError('SOURCE_ABORTED', `${what} stopped: ${why}`, { cause: reason });
}

/**
 * A session's side of its run's signal. On abort it runs `stop` once: the source's way of ending the session's
 * work on the server (a second connection's KILL, a break), which must never reject. `settled()` waits for it, so
 * a read that fails with the abort has nothing left running on the server.
 */
export class AbortGuard {
  private stopping: Promise<void> = Promise.resolve();
  /** Stops listening (the session is closed). */
  readonly dispose: () => void;

  constructor(
    readonly signal: AbortSignal | undefined,
    stop: () => Promise<void>,
  ) {
    const listener = () => {
      this.stopping = stop();
    };
    signal?.addEventListener('abort', listener, { once: true });
    this.dispose = () => signal?.removeEventListener('abort', listener);
  }

  /** After an abort nothing more is sent: SOURCE_ABORTED before any query. */
  check(what: string): void {
    if (this.signal?.aborted) throw sourceAborted(this.signal, what);
  }

  /** Once aborted, resolves when `stop` has done its work; at once otherwise. */
  async settled(): Promise<void> {
    if (this.signal?.aborted) await this.stopping;
  }

  /** The error to report: once aborted, the abort (whatever the driver said about its killed query). */
  failure(error: unknown, what: string, otherwise: (error: unknown) => SourceError): SourceError {
    return this.signal?.aborted ? sourceAborted(this.signal, what) : otherwise(error);
  }
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$#]{0,127}$/;

/** Refuses anything but a plain identifier before it is quoted into SQL. */
export function assertIdentifier(name: string): string {
  if (!PLAIN_IDENTIFIER.test(name)) {
    throw new SourceError(
      'INVALID_IDENTIFIER',
      `'${name}' is not a plain identifier (letters, digits, _, $, #)`,
    );
  }
  return name;
}

export const DEFAULT_BATCH_SIZE = 10_000;
