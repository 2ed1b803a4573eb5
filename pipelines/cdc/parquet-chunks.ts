// Rows as text → Parquet files, with memory bounded whatever the table size: rows are appended to a local CSV
// chunk (a write stream with back-pressure); every `rowsPerFile` rows DuckDB converts the chunk to a zstd Parquet
// file with the column types decoded exactly (buildDecodeSql), the file is published to the lake atomically
// (storage.writeStream: temp + rename) and the local files are deleted.

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { DuckDbSession } from '../engine/duckdb-session';
import { toSqlString } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import type { SourceColumn, TextRow } from '../sources/source';
import type { RawFile } from './raw-manifest';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

function quoteDuck(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The DuckDB expression decoding text column `ref` into the column's mapped type. */
export function buildDecodeExpression(ref: string, column: SourceColumn): string {
  const { duckdb, decode } = column.type;
  if (decode === 'hex') return `from_hex(${ref})`;
  if (decode === 'utc_timestamp') return `CAST(CAST(${ref} AS TIMESTAMP) AS TIMESTAMPTZ)`;
  if (decode === 'json') return `CAST(CAST(${ref} AS JSON) AS ${duckdb})`;
  return duckdb === 'VARCHAR' ? ref : `CAST(${ref} AS ${duckdb})`;
}

/** SELECT turning a headerless all-text CSV file into typed, named columns. */
export function buildDecodeSql(csvFile: string, columns: SourceColumn[]): string {
  const csvColumns = columns.map((_, index) => `'c${index}': 'VARCHAR'`).join(', ');
  const select = columns
    .map((column, index) => `${buildDecodeExpression(`c${index}`, column)} AS ${quoteDuck(column.name)}`)
    .join(', ');
  return (
    `SELECT ${select} FROM read_csv(${toSqlString(csvFile)}, columns = {${csvColumns}}, header = false, ` +
    `delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, new_line = '\\n', ` +
    `auto_detect = false)`
  );
}

function encodeCsvRow(row: TextRow): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (i > 0) line += ',';
    if (value !== null && value !== undefined)
      line += `"${value.includes('"') ? value.replace(/"/g, '""') : value}"`;
  }
  return `${line}\n`;
}

export interface ChunkWriterOptions {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  /** Local scratch folder (the run's own). */
  tempDir: string;
  /** Lake folder the Parquet files go to. */
  lakeDir: string;
  /** File name prefix: part → part-00000.parquet. */
  prefix: string;
  columns: SourceColumn[];
  rowsPerFile: number;
  /** Column whose min and max are tracked (the watermark). */
  rangeColumn?: SourceColumn;
}

export interface ValueRange {
  min: string | null;
  max: string | null;
}

/** Text of a value that sorts like the value: ISO-8601 UTC for timestamps, plain text otherwise. */
export function buildRangeText(expression: string, column: SourceColumn): string {
  if (column.type.duckdb === 'TIMESTAMPTZ') return `strftime(${expression}, '%Y-%m-%dT%H:%M:%S.%fZ')`;
  return `CAST(${expression} AS VARCHAR)`;
}

function compareText(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function widenRange(range: ValueRange, next: ValueRange): ValueRange {
  return {
    min:
      next.min === null
        ? range.min
        : range.min === null || compareText(next.min, range.min) < 0
          ? next.min
          : range.min,
    max:
      next.max === null
        ? range.max
        : range.max === null || compareText(next.max, range.max) > 0
          ? next.max
          : range.max,
  };
}

/**
 * Runs `work` (one chunk's conversion) with DuckDB on every core but one, and restores the session's setting. The
 * source keeps streaming the next chunk meanwhile on Node's thread (and, on a worker beside its database, in the
 * database's own process): with every core DuckDB's threads fought them for the CPU and a 100,000-row conversion
 * got slower, not faster. Measured on 2 cores (2,000,000 rows in 20 chunks, PostgreSQL on the same machine): the
 * conversions took 2.8–4.1 s with one thread against 5.0–6.8 s with two; extract/COPY 0.45–0.56 against 0.32–0.49.
 */
export async function withConversionThreads<T>(
  duckdb: DuckDbSession,
  sessionThreads: number,
  work: () => Promise<T>,
): Promise<T> {
  const wanted = Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(sessionThreads) || sessionThreads <= wanted) return work();
  await duckdb.run(`SET threads = ${wanted}`);
  try {
    return await work();
  } finally {
    await duckdb.run(`SET threads = ${sessionThreads}`);
  }
}

/** The session's DuckDB threads setting. */
export async function readSessionThreads(duckdb: DuckDbSession): Promise<number> {
  const rows = await duckdb.queryJson(`SELECT current_setting('threads')::INTEGER AS n`);
  return Number(rows[0]?.n ?? 0);
}

/** Writes rows into numbered Parquet files; `finish` returns them (at least one, possibly empty). */
export class ParquetChunkWriter {
  private csv: WriteStream | null = null;
  private rowsInChunk = 0;
  private readonly files: RawFile[] = [];
  /** Min and max of rangeColumn over every row written. */
  range: ValueRange = { min: null, max: null };

  constructor(private readonly options: ChunkWriterOptions) {}

  private csvPath(): string {
    return path.join(this.options.tempDir, `${this.options.prefix}-${this.chunkIndex}.csv`);
  }

  async writeBatch(rows: TextRow[]): Promise<void> {
    for (const row of rows) {
      if (!this.csv) this.csv = createWriteStream(this.csvPath());
      // Back-pressure: wait for the file to take the buffered text (once() rejects on 'error' too).
      if (!this.csv.write(encodeCsvRow(row))) await once(this.csv, 'drain');
      this.rowsInChunk += 1;
      if (this.rowsInChunk >= this.options.rowsPerFile) await this.flush();
    }
  }

  private inQuote = false;
  private chunkIndex = 0;
  private pending: Promise<void> = Promise.resolve();
  /** Read once per writer: the setting the conversions restore. */
  private sessionThreads: Promise<number> | undefined;

  /**
   * CSV bytes as the source produced them; files are cut at row ends (newlines outside quotes). Rows are found
   * with Buffer.indexOf (memchr) for the next newline and the next quote instead of a byte-by-byte loop: PostgreSQL
   * quotes only the fields that need it, so this is ~7× faster on the demo tables and leaves the CPU to DuckDB.
   */
  async writeCsv(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    let i = 0;
    let quote = bytes.indexOf(QUOTE, 0);
    while (i < bytes.length) {
      if (this.inQuote) {
        // The closing quote (a doubled "" inside a field closes and reopens, which keeps the state right).
        if (quote < 0) break;
        this.inQuote = false;
        i = quote + 1;
        quote = bytes.indexOf(QUOTE, i);
        continue;
      }
      const newline = bytes.indexOf(NEWLINE, i);
      if (quote >= 0 && (newline < 0 || quote < newline)) {
        this.inQuote = true;
        i = quote + 1;
        quote = bytes.indexOf(QUOTE, i);
        continue;
      }
      if (newline < 0) break;
      i = newline + 1;
      this.rowsInChunk += 1;
      if (this.rowsInChunk >= this.options.rowsPerFile) {
        await this.appendCsv(bytes.subarray(start, i));
        start = i;
        await this.flush();
      }
    }
    if (start < bytes.length) await this.appendCsv(bytes.subarray(start));
  }

  private async appendCsv(bytes: Uint8Array): Promise<void> {
    if (!this.csv) this.csv = createWriteStream(this.csvPath());
    if (!this.csv.write(bytes)) await once(this.csv, 'drain');
  }

  /**
   * Closes the current chunk and converts it in the background, so the source keeps streaming into the next
   * chunk meanwhile; at most one conversion runs at a time (memory stays at one chunk in DuckDB).
   */
  private async flush(): Promise<void> {
    await this.pending;
    const csvFile = this.csvPath();
    const stream = this.csv;
    const rows = this.rowsInChunk;
    const index = this.chunkIndex;
    this.csv = null;
    this.rowsInChunk = 0;
    this.chunkIndex += 1;
    this.pending = this.convert(csvFile, stream, rows, index);
    // The failure surfaces at the next flush or at finish; this only keeps it from being "unhandled" meanwhile.
    this.pending.catch(() => undefined);
  }

  private async convert(
    csvFile: string,
    stream: WriteStream | null,
    rows: number,
    index: number,
  ): Promise<void> {
    if (stream) {
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    } else {
      await new Promise<void>((resolve, reject) =>
        createWriteStream(csvFile).end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
    const name = `${this.options.prefix}-${String(index).padStart(5, '0')}.parquet`;
    const parquetFile = path.join(this.options.tempDir, name);
    try {
      this.sessionThreads ??= readSessionThreads(this.options.duckdb);
      await withConversionThreads(this.options.duckdb, await this.sessionThreads, () =>
        this.options.duckdb.run(
          `COPY (${buildDecodeSql(csvFile, this.options.columns)}) TO ${toSqlString(parquetFile)} ` +
            `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
        ),
      );
      const rangeColumn = this.options.rangeColumn;
      if (rangeColumn) {
        const ref = quoteDuck(rangeColumn.name);
        const found = await this.options.duckdb.queryJson(
          `SELECT ${buildRangeText(`min(${ref})`, rangeColumn)} AS lo, ${buildRangeText(`max(${ref})`, rangeColumn)} AS hi ` +
            `FROM read_parquet(${toSqlString(parquetFile)})`,
        );
        const lo = found[0]?.lo;
        const hi = found[0]?.hi;
        this.range = widenRange(this.range, {
          min: typeof lo === 'string' ? lo : null,
          max: typeof hi === 'string' ? hi : null,
        });
      }
      const lakePath = `${this.options.lakeDir}/${name}`;
      await this.options.storage.writeStream(lakePath, createReadStream(parquetFile));
      this.files.push({ path: lakePath, rows, bytes: (await stat(parquetFile)).size });
    } finally {
      await rm(csvFile, { force: true });
      await rm(parquetFile, { force: true });
    }
  }

  async finish(): Promise<RawFile[]> {
    if (this.rowsInChunk > 0 || this.chunkIndex === 0) await this.flush();
    await this.pending;
    return this.files;
  }

  /** Drops the local chunk of a failed extract (files already in the lake are not in any manifest). */
  async abort(): Promise<void> {
    const stream = this.csv;
    this.csv = null;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
    // The extract already failed with its own error; a conversion failing too changes nothing to report.
    await this.pending.catch(() => undefined);
    await rm(this.csvPath(), { force: true });
  }
}
