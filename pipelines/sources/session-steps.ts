// What every driver's session does alike, written once: open a connection under the run's signal and give it up
// cleanly if the cut cannot be taken, report a failure as the abort once aborted, and hand out rows in batches
// with an abort check between them. Each driver passes only what is its own (how to connect, stop, start a cut).

import {
  AbortGuard,
  DEFAULT_BATCH_SIZE,
  sourceAborted,
  SourceError,
  type ReadRequest,
  type SourceErrorCode,
  type TextRow,
} from './source';

/** A driver's own error mapping: its error codes to SourceError, with `what` failed as the message's start. */
export type ToSourceError = (error: unknown, what: string) => SourceError;

/**
 * A driver's error as a SourceError whose message starts with what failed: the driver's code (given by codeOf)
 * becomes sourceCode, and classify picks our code from it and the message. A SourceError passes through.
 */
export function fromDriverError(
  error: unknown,
  what: string,
  classify: (code: string | undefined, message: string) => SourceErrorCode,
  codeOf: (error: unknown) => string | undefined = (e) => (e as { code?: string }).code,
): SourceError {
  if (error instanceof SourceError) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return new SourceError(classify(code, message), `${what}: ${message}`, {
    cause: error,
    ...(code ? { sourceCode: code } : {}),
  });
}

export interface SessionSteps<C, S> {
  /** What opening the session does, for messages ("Opening a consistent MySQL snapshot"). */
  what: string;
  signal: AbortSignal | undefined;
  /** Connects; failures are reported as the driver decides (not as `what` failed). */
  connect(): Promise<C>;
  /** Ends the connection's work on the server on abort (see AbortGuard); must never reject. */
  stop(connection: C): Promise<void>;
  /** Takes the cut (isolation, time zone, position) and builds the session around the connection and guard. */
  start(connection: C, guard: AbortGuard): Promise<S>;
  /** Gives the connection up after a failed start; must never reject. */
  discard(connection: C): Promise<void>;
  toError: ToSourceError;
}

/**
 * Opens a session: refuses at once when already aborted, connects, and guards the start with the signal. A start
 * that fails leaves nothing behind: once the server has let go of its work (after an abort), the guard stops
 * listening and the connection is discarded; the error is the abort's when aborted.
 */
export async function openGuardedSession<C, S>(steps: SessionSteps<C, S>): Promise<S> {
  const { what, signal } = steps;
  if (signal?.aborted) throw sourceAborted(signal, what);
  const connection = await steps.connect();
  const guard = new AbortGuard(signal, () => steps.stop(connection));
  try {
    guard.check(what);
    return await steps.start(connection, guard);
  } catch (error) {
    await guard.settled();
    guard.dispose();
    await steps.discard(connection);
    throw guard.failure(error, what, (cause) => steps.toError(cause, `${what} failed`));
  }
}

/** Once aborted: waits until the server has let go (kill, break), then reports the abort, not the driver's error. */
export async function settledFailure(
  guard: AbortGuard,
  error: unknown,
  what: string,
  toError: ToSourceError,
): Promise<SourceError> {
  await guard.settled();
  return guard.failure(error, what, (cause) => toError(cause, `${what} failed`));
}

/** Rows per batch a read asks for: at least one, whole. */
export function batchSizeOf(request: ReadRequest): number {
  return Math.max(1, Math.floor(request.batchSize ?? DEFAULT_BATCH_SIZE));
}

/**
 * Groups streamed rows into batches of batchSize, checking the signal before each batch leaves (a paused stream
 * sends nothing the abort could interrupt). Ending early (the consumer stops) closes the row stream.
 */
export async function* inBatches<R>(
  rows: AsyncIterable<R>,
  batchSize: number,
  guard: AbortGuard,
  what: string,
  toRow: (row: R) => TextRow,
): AsyncGenerator<TextRow[]> {
  let batch: TextRow[] = [];
  for await (const row of rows) {
    batch.push(toRow(row));
    if (batch.length >= batchSize) {
      guard.check(what);
      yield batch;
      batch = [];
    }
  }
  guard.check(what);
  if (batch.length > 0) yield batch;
}
