// The lake file command: a HEAD or ranged GET of one file inside the lake, streamed from LakeStorage. Paths are
// checked segment by segment (no '..', no empty or absolute segment), so nothing outside LAKE_ROOT can be named.

import { Readable } from 'node:stream';
import { parseLakePath } from '@/pipelines/lake/lake-paths';
import { LakeError } from '@/pipelines/lake/storage';
import type { LakeContext } from './lake-context';
import { buildEtag, parseRangeHeader } from './range-header';
import { WorkbenchError } from './workbench-error';

const BUFFERED_RANGE_BYTES = 8 * 1024 * 1024;

/** Data files never change once committed (Delta writes new files); log files may be rewritten by a checkpoint. */
function isImmutable(path: string): boolean {
  return /\.(parquet|bin)$/i.test(path) && !path.split('/').includes('_delta_log');
}

/** Joins URL path segments into a lake path, refusing anything that could escape the lake. */
export function toLakePath(segments: string[]): string {
  const path = segments.join('/');
  try {
    parseLakePath(path);
  } catch (cause) {
    throw new WorkbenchError('INVALID_PATH', `Not a path inside the lake: ${path}`, { cause });
  }
  return path;
}

export interface LakeFileRequest {
  method: 'GET' | 'HEAD';
  path: string;
  range: string | null;
  ifNoneMatch: string | null;
  ifRange: string | null;
}

/** Answers one request for a lake file. */
export async function serveLakeFile(context: LakeContext, request: LakeFileRequest): Promise<Response> {
  const status = await context.storage.stat(request.path).catch((cause: unknown) => {
    if (cause instanceof LakeError && cause.code === 'INVALID_PATH') {
      throw new WorkbenchError('INVALID_PATH', `Not a path inside the lake: ${request.path}`, { cause });
    }
    throw cause;
  });
  if (!status || status.isDirectory) {
    throw new WorkbenchError('FILE_NOT_FOUND', `No file at ${request.path} in the lake`);
  }
  const etag = buildEtag(request.path, status.size, status.modifiedMs);
  const headers = new Headers({
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': new Date(status.modifiedMs).toUTCString(),
    'Content-Type': request.path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    'Cache-Control': isImmutable(request.path)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache, must-revalidate',
    // The route is same-origin only; the header keeps shared caches from mixing users' sessions up.
    Vary: 'Cookie',
  });
  if (request.ifNoneMatch !== null && request.ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
    return new Response(null, { status: 304, headers });
  }
  // If-Range with a stale validator: send the whole (new) file instead of a range of it.
  const rangeHeader = request.ifRange !== null && request.ifRange !== etag ? null : request.range;
  const range = parseRangeHeader(rangeHeader, status.size);
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${status.size}`);
    return new Response(null, { status: 416, headers });
  }
  const offset = range.kind === 'partial' ? range.offset : 0;
  const length = range.kind === 'partial' ? range.length : status.size;
  headers.set('Content-Length', String(length));
  // Next 16 strips Content-Length from route handler responses (FORBIDDEN_HEADERS in next/dist/server/
  // send-response.js), yet DuckDB-WASM sizes a file by it; the worker shim made by server/cli/copy-vendor.ts
  // reads this copy instead.
  headers.set('X-Content-Length', String(length));
  if (range.kind === 'partial') {
    headers.set('Content-Range', `bytes ${offset}-${offset + length - 1}/${status.size}`);
  }
  const code = range.kind === 'partial' ? 206 : 200;
  if (request.method === 'HEAD' || length === 0) return new Response(null, { status: code, headers });
  // DuckDB-WASM reads Parquet as many small ranges one after another, so per-request cost is what the analyst
  // waits for: a small range is one positioned read into memory; only large ones are streamed.
  if (length <= BUFFERED_RANGE_BYTES) {
    const bytes = await context.storage.readRange(request.path, { offset, length });
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: code, headers });
  }
  const stream = await context.storage.readStream(request.path, { offset, length });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: code, headers });
}
