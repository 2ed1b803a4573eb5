// The one Source interface (ARCHITECTURE.md §6): every database we extract from (Oracle, PostgreSQL, MySQL) opens
// a consistent cut of itself (a "session"), describes tables in Delta terms and streams rows as text. Each
// implementation passes test/sources/source-contract.ts. Values travel as text (or null) in a form DuckDB casts
// exactly (see MappedType.decode), which keeps numerics and timestamps lossless and the drivers simple.

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
  /** Incremental read: rows whose watermark column is >= from (text, as recorded from an earlier run). */
  watermark?: { column: string; from: string };
  /** Rows per yielded batch. */
  batchSize?: number;
}

export type TextRow = (string | null)[];

/** One consistent cut of the source: every read through it sees the same committed state. */
export interface SourceSession {
  readonly position: SourcePosition;
  /** Columns of a table in source order; SOURCE_TABLE_NOT_FOUND when it does not exist. */
  describeTable(table: TableRef): Promise<SourceColumn[]>;
  /** Rows of the table as text in request.columns order, in batches. */
  readRows(request: ReadRequest): AsyncIterable<TextRow[]>;
  /**
   * Optional fast path: the same rows as CSV bytes straight from the database (',' delimiter, '"' quote and
   * escape, NULL as an unquoted empty field, '' as ""), e.g. PostgreSQL's COPY TO STDOUT. Extraction prefers it.
   */
  readCsv?(request: ReadRequest): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

export interface Source {
  readonly kind: 'oracle' | 'postgres' | 'mysql';
  openSession(): Promise<SourceSession>;
}

export type SourceErrorCode =
  | 'SOURCE_UNREACHABLE'
  | 'SOURCE_QUERY_FAILED'
  | 'SOURCE_TABLE_NOT_FOUND'
  | 'SOURCE_CONNECTION_LOST'
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

export function isSourceError(error: unknown, code?: SourceErrorCode): error is SourceError {
  return error instanceof SourceError && (code === undefined || error.code === code);
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
