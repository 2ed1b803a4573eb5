// HTTP plumbing of the WebHDFS backend (webhdfs-storage.ts): progress deadlines, response bodies, upload
// streams, and RemoteException JSON mapped to LakeError. Kept apart so the backend reads as WebHDFS operations.

import { LakeError } from './storage';
import { logCleanupFailure } from '../support/cleanup';

export type Chunks = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** A timer that restarts on every sign of progress and aborts the request when it fires. */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  touch(): void;
  /** Stop counting until the next touch: time spent waiting on the caller's own data is not the server's. */
  pause(): void;
  clear(): void;
}

// The deadline of a request stays armed until its body has been read, so it travels with the Response.
const deadlines = new WeakMap<Response, Deadline>();

export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`No progress for ${ms} ms`));
    }, ms);
  };
  arm();
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    touch: arm,
    pause: () => clearTimeout(timer),
    clear: () => clearTimeout(timer),
  };
}

export function attachDeadline(response: Response, deadline: Deadline): Response {
  deadlines.set(response, deadline);
  return response;
}

/** The body of a response as Buffers, keeping its deadline alive per chunk and mapping failures to LakeError. */
export async function* relayBody(response: Response, path: string): AsyncGenerator<Buffer> {
  const deadline = deadlines.get(response);
  const reader = response.body?.getReader();
  let finished = false;
  try {
    if (!reader) return;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      deadline?.touch();
      yield Buffer.from(value);
    }
    finished = true;
  } catch (error) {
    throw toLakeError(error, path, deadline);
  } finally {
    deadline?.clear();
    // A consumer that stops early must not leave the connection half-read.
    if (!finished) await reader?.cancel().catch(logCleanupFailure('reader?.cancel()'));
  }
}

export async function readText(response: Response, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of relayBody(response, path)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson<T>(response: Response, path: string): Promise<T> {
  const text = await readText(response, path);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new LakeError('REMOTE', path, 'WebHDFS answered something that is not JSON', { cause: error });
  }
}

/**
 * A request body that pulls from the caller's chunks. Each chunk counts as progress and the wait for it does not
 * count at all (a slow extract upstream is not a dead datanode). Remembers a failure of the source.
 */
export function toUploadStream(
  data: Chunks,
  deadline: Deadline,
): { stream: ReadableStream<Uint8Array>; sourceError(): unknown } {
  const iterator: AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string> =
    Symbol.asyncIterator in data ? data[Symbol.asyncIterator]() : data[Symbol.iterator]();
  let failure: unknown;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        deadline.pause();
        const next = await iterator.next();
        deadline.touch();
        if (next.done) controller.close();
        else
          controller.enqueue(typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value);
      } catch (error) {
        failure = error;
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return { stream, sourceError: () => failure };
}

/** A RemoteException answered by the namenode or a datanode. */
export class RemoteError extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    readonly remoteMessage: string,
  ) {
    super(`${exception}: ${remoteMessage} (HTTP ${status})`);
    this.name = 'RemoteError';
  }

  isNotFound(): boolean {
    return this.exception === 'FileNotFoundException';
  }

  isAlreadyExists(): boolean {
    return this.exception === 'FileAlreadyExistsException';
  }

  isEndOfFile(): boolean {
    return this.exception === 'EOFException' || /seek after EOF/i.test(this.remoteMessage);
  }
}

/** The RemoteError inside a LakeError, if that is what it wraps. */
export function getRemoteError(error: unknown): RemoteError | undefined {
  return error instanceof LakeError && error.cause instanceof RemoteError ? error.cause : undefined;
}

/**
 * Succeed on 2xx; on a FileNotFoundException answer 'missing' when the caller accepts it, or throw NOT_FOUND.
 * Every other failure throws LakeError REMOTE with the RemoteError as cause.
 */
export async function checkResponse(
  response: Response,
  path: string,
  options: { missingOk?: boolean } = {},
): Promise<'ok' | 'missing'> {
  if (response.ok) return 'ok';
  const text = await readText(response, path).catch(() => '');
  let remote: RemoteError;
  try {
    const body = JSON.parse(text) as { RemoteException?: { exception?: string; message?: string } };
    const { exception = 'UnknownException', message = '' } = body.RemoteException ?? {};
    remote = new RemoteError(response.status, exception, message);
  } catch {
    remote = new RemoteError(response.status, `HTTP ${response.status}`, text.slice(0, 200));
  }
  // Only the exception counts: a bare 404 is likelier a wrong endpoint than a missing file, and treating it as
  // missing would show a misconfigured lake as an empty one.
  if (remote.isNotFound()) {
    if (options.missingOk) return 'missing';
    throw new LakeError('NOT_FOUND', path, 'No such file', { cause: remote });
  }
  throw new LakeError('REMOTE', path, `WebHDFS refused the request: ${remote.message}`, { cause: remote });
}

export function toLakeError(error: unknown, path: string, deadline: Deadline | undefined): LakeError {
  if (error instanceof LakeError) return error;
  if (deadline?.timedOut) {
    return new LakeError('TIMEOUT', path, 'WebHDFS request made no progress in time', { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return new LakeError('IO', path, `WebHDFS request failed: ${detail}${cause}`, { cause: error });
}
