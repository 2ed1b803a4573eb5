// The server path of a cell: the same SQL, run by native DuckDB over the same Delta snapshots, streamed back as
// Arrow IPC. Each query gets its own in-memory DuckDB, so concurrent analysts' views never collide.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planScan, type SnapshotOptions } from '@/pipelines/delta';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import { quoteIdentifier } from '@/pipelines/delta';
import { createArrowBatcher, END_OF_STREAM, type Json } from './arrow-batches';
import { openSnapshot } from './catalog';
import { defineChangeView } from './change-view';
import type { LakeContext } from './lake-context';
import type { QueryRequest } from './query-request';
import type { UploadedResult } from './query-upload';
import { lockSession, streamSelect } from './sandbox-session';
import { WorkbenchError } from './workbench-error';
import { logCleanupFailure } from '@/pipelines/support/cleanup';

const BATCH_ROWS = 16_384;

/** Caps of one query's DuckDB and of its result; the query children pass the configured ones. */
export interface ServerQueryLimits {
  threads: number;
  /** DuckDB memory_limit, e.g. '1GB'; past it, sorts and joins spill. */
  memoryLimit: string;
  /** DuckDB max_temp_directory_size of the query's own spill folder, e.g. '4GB'. */
  maxTempDirectorySize?: string;
  /** Arrow bytes sent at most; the stream is cut before the batch that would pass it, and marked cut. */
  maxResultBytes?: number;
}

// An analyst's query gets more room than a pipeline step, and still cannot take the whole server.
const DEFAULT_LIMITS: ServerQueryLimits = { threads: 4, memoryLimit: '2GB' };

/**
 * Why a result stopped early, in a trailer after the Arrow end-of-stream marker: cut at the byte cap, or stopped
 * by an error once rows were already on their way (the time limit, the memory watchdog), which can then no longer
 * be an HTTP status.
 */
export type ResultCut =
  { cut: 'bytes'; limitBytes: number } | { cut: 'error'; code: string; message: string };

/**
 * The trailer: JSON, its length (uint32 little-endian) and this magic. Arrow readers stop at end-of-stream; the
 * workbench client strips and reads it (app/_workbench/engine/result-cut.ts keeps the same format).
 */
export const RESULT_CUT_MAGIC = 'LHCUT001';

export function resultCutTrailer(content: ResultCut): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(content));
  const trailer = new Uint8Array(json.length + 4 + RESULT_CUT_MAGIC.length);
  trailer.set(json, 0);
  new DataView(trailer.buffer).setUint32(json.length, json.length, true);
  trailer.set(new TextEncoder().encode(RESULT_CUT_MAGIC), json.length + 4);
  return trailer;
}

export interface ServerQueryResult {
  /** Arrow IPC stream bytes. */
  body: ReadableStream<Uint8Array>;
  /** Snapshot version each view was read at. */
  versions: Record<string, number>;
}

/**
 * Loads earlier cells' named results (Parquet from the browser) as temporary tables, before the session is locked,
 * so a later cell on the server path selects from them by name as it would in the browser.
 */
async function loadResults(session: DuckDbSession, results: UploadedResult[]): Promise<void> {
  if (results.length === 0) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'wb-results-'));
  try {
    for (const [index, result] of results.entries()) {
      const file = path.join(dir, `${index}.parquet`);
      await writeFile(file, result.parquet);
      await session
        .run(`CREATE TEMP TABLE ${quoteIdentifier(result.name)} AS FROM read_parquet(${toSqlString(file)})`)
        .catch((cause: unknown) => {
          throw new WorkbenchError(
            'QUERY_FAILED',
            `The result "${result.name}" could not be loaded on the server: ${(cause as Error).message}`,
            { cause },
          );
        });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the request; SQL errors surface before any byte is sent, as QUERY_FAILED with DuckDB's message. */
export async function runServerQuery(
  context: LakeContext,
  request: QueryRequest,
  results: UploadedResult[] = [],
  signal?: AbortSignal,
  limits: ServerQueryLimits = DEFAULT_LIMITS,
): Promise<ServerQueryResult> {
  const session = await createDuckDbSession({ threads: limits.threads, memoryLimit: limits.memoryLimit });
  const releases: (() => Promise<void>)[] = [];
  let closed = false;
  // A cancelled cell (the browser aborts its fetch) must stop DuckDB too, or a long aggregate keeps four threads
  // busy until it ends: interrupt the running query, which makes the pending fetch fail and the session close.
  const interrupt = () => {
    if (!closed) session.connection.interrupt();
  };
  signal?.addEventListener('abort', interrupt, { once: true });
  const cleanup = async () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', interrupt);
    await Promise.all(releases.map((release) => release()));
    session.close();
  };
  try {
    // Set before the session is locked; the spill folder is the session's own (duckdb-session.ts).
    if (limits.maxTempDirectorySize !== undefined) {
      await session.run(`SET max_temp_directory_size = ${toSqlString(limits.maxTempDirectorySize)}`);
    }
    const versions: Record<string, number> = {};
    const files: string[] = [];
    for (const ref of request.tables) {
      if (ref.changes) {
        const view = await defineChangeView(context, session, ref.view, ref.table, ref.changes);
        releases.push(view.release);
        files.push(...view.files);
        versions[ref.view] = view.version;
        continue;
      }
      const options: SnapshotOptions =
        ref.version !== undefined
          ? { version: ref.version }
          : ref.timestamp !== undefined
            ? { timestamp: ref.timestamp }
            : {};
      const snapshot = await openSnapshot(context, ref.table, options);
      const plan = await planScan({ storage: context.storage, duckdb: session }, snapshot);
      releases.push(plan.release);
      files.push(...plan.files);
      await session.run(`CREATE TEMP VIEW ${quoteIdentifier(ref.view)} AS ${plan.sql}`);
      versions[ref.view] = snapshot.version;
    }
    await loadResults(session, results);
    // The lock sets the spill cap again (its default is a hard ceiling); the configured cap must be the one in force.
    await lockSession(session, {
      files,
      ...(limits.maxTempDirectorySize !== undefined ? { maxSpill: limits.maxTempDirectorySize } : {}),
    });
    if (signal?.aborted) throw new WorkbenchError('QUERY_FAILED', 'The query was cancelled');
    const result = await streamSelect(session, request.sql);
    const batcher = createArrowBatcher(result.columnNames(), result.columnTypes());
    const chunks = result.yieldRowsJson()[Symbol.asyncIterator]();
    let sent = 0;
    let bytesSent = 0;
    const maxBytes = limits.maxResultBytes ?? Number.POSITIVE_INFINITY;
    let headerSent = false;
    let finished = false;
    // Pull-driven, so DuckDB is read only as fast as the client takes the bytes.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          if (!headerSent) {
            headerSent = true;
            const schema = batcher.schemaMessage();
            bytesSent += schema.length;
            controller.enqueue(schema);
            return;
          }
          if (finished) {
            controller.close();
            await cleanup();
            return;
          }
          const rows: Json[][] = [];
          while (rows.length < BATCH_ROWS && sent < request.maxRows) {
            const next = await chunks.next();
            if (next.done) break;
            const room = request.maxRows - sent;
            const taken = (next.value as Json[][]).slice(0, room);
            rows.push(...taken);
            sent += taken.length;
          }
          if (rows.length > 0) {
            const room = maxBytes - bytesSent - END_OF_STREAM.length;
            const message = batcher.batchMessage(rows);
            if (message.length > room) {
              // Cut at the cap: send the rows of this batch that fit (rows are about the same size; halve until
              // they do), then say so after the end of the stream.
              let fit = Math.floor((rows.length * room) / message.length);
              let part = fit > 0 ? batcher.batchMessage(rows.slice(0, fit)) : null;
              while (part && part.length > room && fit > 0) {
                fit = Math.floor(fit / 2);
                part = fit > 0 ? batcher.batchMessage(rows.slice(0, fit)) : null;
              }
              if (part && part.length <= room) controller.enqueue(part);
              finished = true;
              controller.enqueue(END_OF_STREAM);
              controller.enqueue(resultCutTrailer({ cut: 'bytes', limitBytes: maxBytes }));
              return;
            }
            bytesSent += message.length;
            controller.enqueue(message);
          }
          if (rows.length < BATCH_ROWS || sent >= request.maxRows) {
            finished = true;
            controller.enqueue(END_OF_STREAM);
          }
        } catch (error) {
          controller.error(error);
          await cleanup();
        }
      },
      async cancel() {
        interrupt();
        await chunks.return?.().catch(logCleanupFailure('chunks.return?.()'));
        await cleanup();
      },
    });
    return { body, versions };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
