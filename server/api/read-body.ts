// Request bodies are read through a counter, so a client cannot make the web process buffer more than a route's
// limit: the read stops (and the upload is cancelled) at the first chunk past it, whatever Content-Length said.

import { ApiError } from './errors';
import { logCleanupFailure } from '@/pipelines/support/cleanup';

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than this route accepts (${formatBytes(maxBytes)})`,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/** The request's body as a stream that fails with PAYLOAD_TOO_LARGE once more than maxBytes have passed. */
export function limitBody(request: Request, maxBytes: number): ReadableStream<Uint8Array> | null {
  // A declared size past the limit is refused before anything is read.
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return null;
  const reader = request.body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      seen += value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel().catch(logCleanupFailure('reader.cancel()'));
        controller.error(tooLarge(maxBytes));
        return;
      }
      controller.enqueue(value);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
}

/** Reads the whole body, at most maxBytes of it. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const stream = limitBody(request, maxBytes);
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
