// The lake file command: a HEAD or ranged GET of one file inside the lake, streamed from LakeStorage. Paths are
// checked segment by segment (no '..', no empty or absolute segment), so nothing outside LAKE_ROOT can be named,
// and only files a snapshot exposes are served (exposed-files.ts); everything else is 404, so the answer does not
// reveal whether a file exists.

import { Readable } from 'node:stream';
import { parseLakePath } from '@/pipelines/lake/lake-paths';
import { LakeError } from '@/pipelines/lake/storage';
import { isExposedFile } from './exposed-files';
import type { LakeContext } from './lake-context';
import { buildEtag, parseRangeHeader } from './range-header';
import { WorkbenchError } from './workbench-error';

const BUFFERED_RANGE_BYTES = 8 * 1024 * 1024;

/**
 * Data and deletion-vector files never change once committed (Delta writes new files), yet the browser's HTTP cache
 * must not keep them: it would hand them out without asking the server, after the reader lost the role. The
 * workbench's lake worker caches them itself (Cache API, app/_workbench/engine/duckdb-worker.ts) and uses its copy
 * only after this session's HEAD of the file succeeded. Private: one user's authorised reads.
 */
const NOT_STORED_PRIVATE = 'private, no-store';

function notFound(path: string): WorkbenchError {
  return new WorkbenchError('FILE_NOT_FOUND', `No file at ${path} in the lake`);
}

/** Joins URL path segments into a lake path, refusing anything that could escape the lake. */
export function toLakePath(segments: string[]): string {
  const path = segments.join('/');
  try {
    parseLakePath(path);
  } catch (cause) {
    // 404 like any other file the route does not serve: a different answer would tell paths apart.
    throw new WorkbenchError('FILE_NOT_FOUND', `No file at ${path} in the lake`, { cause });
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

/** Which files a route may serve; the workbench's lake route serves every exposed file, a report's only its own. */
export type LakeFileCheck = (context: LakeContext, lakePath: string) => Promise<boolean>;

/** Answers one request for a lake file. */
export async function serveLakeFile(
  context: LakeContext,
  request: LakeFileRequest,
  isServed: LakeFileCheck = isExposedFile,
): Promise<Response> {
  if (!(await isServed(context, request.path))) throw notFound(request.path);
  const status = await context.storage.stat(request.path).catch((cause: unknown) => {
    if (cause instanceof LakeError && cause.code === 'INVALID_PATH') throw notFound(request.path);
    throw cause;
  });
  // A vacuumed file is still named by old commits, but is gone.
  if (!status || status.isDirectory) throw notFound(request.path);
  const etag = buildEtag(request.path, status.size, status.modifiedMs);
  const headers = new Headers({
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': new Date(status.modifiedMs).toUTCString(),
    'Content-Type': 'application/octet-stream',
    'Cache-Control': NOT_STORED_PRIVATE,
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
  // send-response.js; https://github.com/vercel/next.js/issues/48838), yet DuckDB-WASM sizes a file by it; the
  // lake worker (app/_workbench/engine/duckdb-worker.ts) reads this copy instead.
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
