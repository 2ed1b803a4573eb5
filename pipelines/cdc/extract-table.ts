// Extract one table of one run into the raw zone: describe it in the session's cut, stream its rows (all, or
// from the watermark) into Parquet parts, optionally every key too (delete detection by key comparison), and
// publish _manifest.json last. A failure anywhere leaves no manifest, so the run is never applied. The signal stops
// the queries themselves when the session was opened with it (SessionOptions.signal); here it is also checked
// between batches and before the manifest, and any failure after an abort is reported as that abort.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import { PipelineError } from '../definition/errors';
import type { TableDefinition } from '../definition/load-definition';
import {
  isSourceError,
  sourceAborted,
  type ReadRequest,
  type SourceColumn,
  type SourceSession,
} from '../sources/source';
import { ParquetChunkWriter } from './parquet-chunks';
import { getRawRunDir, writeManifest, type RawFile, type RawManifest } from './raw-manifest';

export interface ExtractEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  clock?: () => Date;
  log?: (message: string) => void;
  /** Local scratch folder for CSV chunks; the OS temp folder when absent. */
  scratchDir?: string;
  /**
   * The run's timeout or cancel, the one the session was opened with: checked between batches and before the
   * manifest is published; the source cancels its running query itself.
   */
  signal?: AbortSignal;
}

/** What extraction takes of a run's effects (a run's clock is another kind: extraction keeps its own). */
export function extractEffectsOf(
  effects: Pick<ExtractEffects, 'storage' | 'duckdb' | 'log' | 'scratchDir' | 'signal'>,
): ExtractEffects {
  return {
    storage: effects.storage,
    duckdb: effects.duckdb,
    ...(effects.log ? { log: effects.log } : {}),
    ...(effects.scratchDir ? { scratchDir: effects.scratchDir } : {}),
    ...(effects.signal ? { signal: effects.signal } : {}),
  };
}

export interface ExtractRequest {
  pipeline: string;
  source: string;
  table: TableDefinition;
  runId: string;
  runSequence: number;
  mode: 'full' | 'incremental';
  /** Incremental lower bound (the last watermark minus the overlap). */
  watermarkFrom: string | null;
  /** Exclusive upper bound of an incremental read (a time-range re-extract); none for a run. */
  watermarkTo?: string;
  /** Also land every key of the table, for delete detection. */
  compareKeys: boolean;
  rowsPerFile?: number;
  batchSize?: number;
  /**
   * The worker's clock just before the session was opened: the data's "as of" when the session cannot read the
   * source's clock (SourceSession.cutAt).
   */
  sessionOpenedAt?: string;
}

// ~7 MB of zstd Parquet per raw file for the demo tables. The conversion of one chunk is what bounds memory, not
// the table size (1.09 M service_requests: peak RSS 431 MB with 50k-row chunks, 620 MB with 100k, 713 MB with
// 200k); raw files are transient, apply lays out the Delta files.
export const DEFAULT_ROWS_PER_FILE = 100_000;

function findColumn(columns: SourceColumn[], name: string, table: string, role: string): SourceColumn {
  const column = columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!column) {
    throw new PipelineError('INVALID_DEFINITION', `Table ${table} has no column ${name} (its ${role})`);
  }
  return column;
}

/** Streams a read into the writer: the source's CSV fast path when it has one, else row batches. */
async function drain(
  session: SourceSession,
  request: ReadRequest,
  writer: ParquetChunkWriter,
  signal: AbortSignal | undefined,
): Promise<RawFile[]> {
  try {
    if (session.readCsv) {
      for await (const chunk of session.readCsv(request)) {
        signal?.throwIfAborted();
        await writer.writeCsv(chunk);
      }
    } else {
      for await (const batch of session.readRows(request)) {
        signal?.throwIfAborted();
        await writer.writeBatch(batch);
      }
    }
    return await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

export async function extractTable(
  effects: ExtractEffects,
  session: SourceSession,
  request: ExtractRequest,
): Promise<RawManifest> {
  const { signal } = effects;
  try {
    return await extractAndPublish(effects, session, request);
  } catch (error) {
    // Once aborted, a failure is the abort's doing (a terminated connection, DuckDB's "Interrupted"): say why.
    if (signal?.aborted && !isSourceError(error, 'SOURCE_ABORTED')) {
      throw sourceAborted(signal, `Extracting ${request.table.name}`);
    }
    throw error;
  }
}

async function extractAndPublish(
  effects: ExtractEffects,
  session: SourceSession,
  request: ExtractRequest,
): Promise<RawManifest> {
  effects.signal?.throwIfAborted();
  const clock = effects.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  const { table } = request;
  const ref = { ...(table.schema ? { schema: table.schema } : {}), name: table.name };
  const columns = await session.describeTable(ref);
  const keyColumns = table.primaryKey.map((key) => findColumn(columns, key, table.name, 'primary key'));
  const watermarkColumn = table.watermark
    ? findColumn(columns, table.watermark, table.name, 'watermark column')
    : undefined;
  const lakeDir = getRawRunDir(request.source, table.name, request.runId);
  const scratch = await mkdtemp(path.join(effects.scratchDir ?? tmpdir(), `extract-${table.name}-`));
  const rowsPerFile = request.rowsPerFile ?? DEFAULT_ROWS_PER_FILE;
  try {
    const incremental = request.mode === 'incremental' && watermarkColumn && request.watermarkFrom !== null;
    const writer = new ParquetChunkWriter({
      storage: effects.storage,
      duckdb: effects.duckdb,
      tempDir: scratch,
      lakeDir,
      prefix: 'part',
      columns,
      rowsPerFile,
      ...(watermarkColumn ? { rangeColumn: watermarkColumn } : {}),
    });
    const files = await drain(
      session,
      {
        table: ref,
        columns,
        ...(incremental
          ? {
              watermark: {
                column: watermarkColumn.name,
                from: request.watermarkFrom as string,
                ...(request.watermarkTo !== undefined ? { to: request.watermarkTo } : {}),
              },
            }
          : {}),
        ...(request.batchSize ? { batchSize: request.batchSize } : {}),
      },
      writer,
      effects.signal,
    );
    let keyFiles: RawFile[] | null = null;
    if (request.compareKeys) {
      const keyWriter = new ParquetChunkWriter({
        storage: effects.storage,
        duckdb: effects.duckdb,
        tempDir: scratch,
        lakeDir,
        prefix: 'keys',
        columns: keyColumns,
        rowsPerFile: rowsPerFile * 4,
      });
      keyFiles = await drain(session, { table: ref, columns: keyColumns }, keyWriter, effects.signal);
    }
    const rowCount = files.reduce((total, file) => total + file.rows, 0);
    const manifest: RawManifest = {
      formatVersion: 1,
      pipeline: request.pipeline,
      source: request.source,
      table: table.name,
      runId: request.runId,
      runSequence: request.runSequence,
      mode: incremental ? 'incremental' : 'full',
      position: session.position,
      startedAt,
      finishedAt: clock().toISOString(),
      dataAsOf: session.cutAt ?? request.sessionOpenedAt ?? null,
      schema: columns,
      primaryKey: keyColumns.map((column) => column.name),
      rowCount,
      files,
      watermark: watermarkColumn
        ? {
            column: watermarkColumn.name,
            from: incremental ? request.watermarkFrom : null,
            ...(incremental && request.watermarkTo !== undefined ? { to: request.watermarkTo } : {}),
            min: writer.range.min,
            max: writer.range.max,
          }
        : null,
      keyFiles,
    };
    // The last moment to stop: an aborted run publishes no manifest, so nothing of it is ever applied.
    effects.signal?.throwIfAborted();
    await writeManifest(effects.storage, manifest);
    effects.log?.(
      `${table.name}: extracted ${rowCount} rows into ${files.length} file(s)` +
        (keyFiles ? `, ${keyFiles.reduce((t, f) => t + f.rows, 0)} keys` : ''),
    );
    return manifest;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
