// The process analysts' server queries run in (started by query-pool.ts with `node --import tsx`, from the
// project root, never bundled by Next). One query at a time, each in a fresh DuckDB: DuckDB's memory, threads
// and libuv pool are this process's, so a query that runs out of memory, or is killed on timeout, cannot take
// the web process with it.

import { createDuckDbSession } from '@/pipelines/engine/duckdb-session';
import { openLakeStorage } from '@/pipelines/lake/open-lake-storage';
import { ApiError } from '../errors';
import type { FromChild, ToChild } from './query-protocol';
import { runServerQuery } from './run-server-query';
import { WorkbenchError } from './workbench-error';

const send = (message: FromChild) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );

// DuckDB's own words when a query passes memory_limit or max_temp_directory_size.
const RESOURCE_ERROR = /out of memory|max_temp_directory_size|temp(orary)? directory/i;

function toMessage(error: unknown): FromChild {
  if (
    error instanceof WorkbenchError &&
    error.reason === 'QUERY_FAILED' &&
    RESOURCE_ERROR.test(error.message)
  ) {
    return {
      type: 'error',
      reason: 'QUERY_RESOURCES',
      code: 'RESOURCE_LIMIT',
      message:
        `The query needs more memory or spill space than one server query may use: ${error.message}. ` +
        'Add a filter, a LIMIT or an aggregate.',
    };
  }
  if (error instanceof WorkbenchError) {
    return { type: 'error', reason: error.reason, code: error.code, message: error.message };
  }
  if (error instanceof ApiError)
    return { type: 'error', reason: null, code: error.code, message: error.message };
  return { type: 'error', reason: 'QUERY_FAILED', code: 'INVALID_INPUT', message: (error as Error).message };
}

/** The result being streamed, if any. */
let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;

function pull(): void {
  const current = reader;
  if (!current) return;
  current.read().then(
    (chunk) => {
      if (chunk.done) reader = null;
      return send(chunk.done ? { type: 'end' } : { type: 'chunk', bytes: chunk.value });
    },
    (error: unknown) => {
      reader = null;
      return send(toMessage(error));
    },
  );
}

async function run(message: Extract<ToChild, { type: 'run' }>): Promise<void> {
  const storage = openLakeStorage(message.lakeRoot);
  // Snapshot loading reads checkpoints with DuckDB; a small session of its own, apart from the query's.
  const duckdb = await createDuckDbSession({ threads: 1, memoryLimit: '256MB' });
  try {
    const result = await runServerQuery(
      { storage, duckdb },
      message.request,
      message.results,
      undefined,
      message.limits,
    );
    const body = result.body.getReader();
    // The schema and the first batch are read before answering, so a query that fails or times out in its
    // heavy part (a sort, a join) gets a JSON error rather than a cut stream.
    const first: Uint8Array[] = [];
    let done = false;
    while (first.length < 2) {
      const next = await body.read();
      if (next.done) {
        done = true;
        break;
      }
      first.push(next.value);
    }
    if (!done) reader = body;
    await send({ type: 'started', versions: result.versions, first, done });
  } finally {
    duckdb.close();
  }
}

process.on('message', (message: ToChild) => {
  if (message.type === 'pull') pull();
  else run(message).catch((error: unknown) => send(toMessage(error)).catch(() => process.exit(1)));
});
// The parent disconnecting (web process gone) ends the query.
process.on('disconnect', () => process.exit(0));
void send({ type: 'ready' });
