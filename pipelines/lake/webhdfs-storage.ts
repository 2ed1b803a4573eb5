// The lake on HDFS through the WebHDFS REST API (ARCHITECTURE.md §4), with Node's fetch and nothing else:
// https://hadoop.apache.org/docs/stable/hadoop-project-dist/hadoop-hdfs/WebHDFS.html
//
// Atomicity on HDFS: a file being written is visible under its name with whatever blocks have been completed,
// and a writer that dies leaves that partial file behind. So nothing is ever CREATEd under its final name:
// data goes to a hidden temp file in the same directory (CREATE overwrite=false, two-step with the 307
// redirect to a datanode) and is then published by one namenode RENAME:
// - write/writeStream: RENAME with renameoptions=OVERWRITE (FileSystem.rename2, what Hadoop's own WebHDFS
//   client sends): an atomic replace. A gateway that ignores the option (HttpFS) answers the old boolean
//   RENAME instead; then the target is DELETEd and the RENAME retried, and for that moment readers see no
//   file (never a partial one). Delta never replaces files, so only rewrites of mutable files are affected.
// - putIfAbsent/renameIfAbsent: RENAME with renameoptions=NONE, which fails with FileAlreadyExistsException
//   instead of replacing. With the old boolean RENAME, false means the target exists (or the source is gone).
//   The old RENAME also moves a file *into* a destination that is a directory, hence the stat beforehand.

import { Readable } from 'node:stream';
import {
  checkByteRange,
  getBaseName,
  getParentPath,
  isTempName,
  joinLakePath,
  makeTempPath,
  parseLakePath,
  toBytes,
} from './lake-paths';
import { LakeError, type ByteRange, type FileStatus, type LakeStorage, type ListOptions } from './storage';
import {
  attachDeadline,
  checkResponse,
  getRemoteError,
  readJson,
  readText,
  relayBody,
  startDeadline,
  toLakeError,
  toUploadStream,
  type Chunks,
} from './webhdfs-http';

export interface WebHdfsOptions {
  /** Base URL of the namenode's HTTP server, e.g. http://namenode:9870. */
  endpoint: string;
  /** Absolute HDFS directory that is the lake's root, e.g. /lake. */
  root: string;
  /** Sent as the user.name query parameter (simple authentication); omitted when not set. */
  userName?: string;
  /** Longest wait for any progress on one request (headers or the next chunk), in ms. Default 30 000. */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

interface HdfsFileStatus {
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  modificationTime: number;
}

type RenameMode = 'NONE' | 'OVERWRITE';

const DEFAULT_TIMEOUT_MS = 30_000;

export class WebHdfsLakeStorage implements LakeStorage {
  readonly rootUrl: string;
  private readonly endpoint: URL;
  private readonly root: string;
  private readonly userName: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  /** Whether the server answers LISTSTATUS_BATCH; learnt from the first listing that needs it. */
  private batchListing: 'unknown' | 'supported' | 'unsupported' = 'unknown';

  constructor(options: WebHdfsOptions) {
    this.endpoint = new URL(options.endpoint);
    if (!/^https?:$/.test(this.endpoint.protocol)) {
      throw new LakeError('INVALID_PATH', options.endpoint, 'WebHDFS endpoint must be an http(s) URL');
    }
    const rootSegments = options.root.split('/').filter((s) => s !== '');
    if (rootSegments.length > 0) parseLakePath(rootSegments.join('/'));
    this.root = `/${rootSegments.join('/')}`;
    this.userName = options.userName;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
    const scheme = this.endpoint.protocol === 'https:' ? 'swebhdfs' : 'webhdfs';
    this.rootUrl = `${scheme}://${this.endpoint.host}${this.root === '/' ? '' : this.root}`;
  }

  async list(dir: string, options: ListOptions = {}): Promise<FileStatus[]> {
    parseLakePath(dir, { allowRoot: true });
    const { startAfter } = options;
    const statuses =
      startAfter === undefined || this.batchListing === 'unsupported'
        ? await this.listStatus(dir)
        : await this.listStatusAfter(dir, startAfter);
    // LISTSTATUS of a file answers the file itself, with an empty pathSuffix: a file has no entries. startAfter is
    // applied here too, because LISTSTATUS has no such parameter and HttpFS answers LISTSTATUS_BATCH with the whole
    // directory whatever it is given (https://issues.apache.org/jira/browse/HDFS-14663).
    return statuses
      .filter(
        (s) =>
          s.pathSuffix !== '' &&
          (startAfter === undefined || s.pathSuffix > startAfter) &&
          !isTempName(s.pathSuffix) &&
          isExpressible(s.pathSuffix),
      )
      .map((s) => toFileStatus(joinLakePath(dir, s.pathSuffix), s))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async stat(path: string): Promise<FileStatus | null> {
    parseLakePath(path, { allowRoot: true });
    const response = await this.callIfExists(path, 'GETFILESTATUS');
    if (!response) return null;
    const body = await readJson<{ FileStatus: HdfsFileStatus }>(response, path);
    return toFileStatus(path, body.FileStatus);
  }

  async read(path: string): Promise<Uint8Array> {
    parseLakePath(path);
    return this.open(path, undefined);
  }

  async readRange(path: string, range: ByteRange): Promise<Uint8Array> {
    parseLakePath(path);
    checkByteRange(path, range);
    return this.open(path, range);
  }

  async readStream(path: string, range?: ByteRange): Promise<Readable> {
    parseLakePath(path);
    if (range) checkByteRange(path, range);
    if (range?.length === 0) {
      await this.open(path, range);
      return Readable.from([], { objectMode: false });
    }
    const response = await this.callOpen(path, range);
    if (!response) return Readable.from([], { objectMode: false });
    return Readable.from(relayBody(response, path), { objectMode: false });
  }

  async writeStream(path: string, data: Chunks): Promise<void> {
    parseLakePath(path);
    const temp = await this.createTemp(path, data);
    await this.publish(temp, path, 'OVERWRITE');
  }

  async write(path: string, data: Uint8Array | string): Promise<void> {
    await this.writeStream(path, [toBytes(data)]);
  }

  async putIfAbsent(path: string, data: Uint8Array | string): Promise<boolean> {
    parseLakePath(path);
    if (await this.stat(path)) return false;
    const temp = await this.createTemp(path, [toBytes(data)]);
    return this.publish(temp, path, 'NONE');
  }

  async renameIfAbsent(from: string, to: string): Promise<boolean> {
    parseLakePath(from);
    parseLakePath(to);
    const source = await this.stat(from);
    if (!source) throw new LakeError('NOT_FOUND', from, 'No such file');
    if (source.isDirectory) throw new LakeError('IO', from, 'Only files can be renamed');
    if (await this.stat(to)) return false;
    // Both RENAME forms fail when the destination's parent is missing.
    await this.makeDirectory(getParentPath(to));
    const moved = await this.rename(from, to, 'NONE');
    if (!moved && !(await this.stat(from)) && !(await this.stat(to))) {
      throw new LakeError('NOT_FOUND', from, 'No such file');
    }
    return moved;
  }

  async delete(path: string): Promise<boolean> {
    parseLakePath(path);
    const response = await this.call('DELETE', path, 'DELETE', { recursive: 'false' });
    return (await readJson<{ boolean: boolean }>(response, path)).boolean;
  }

  // --- Listing -------------------------------------------------------------------------------------------

  /** The whole directory in one LISTSTATUS; null-safe for a missing directory ([]). */
  private async listStatus(dir: string): Promise<HdfsFileStatus[]> {
    const response = await this.callIfExists(dir, 'LISTSTATUS');
    if (!response) return [];
    const body = await readJson<{ FileStatuses?: { FileStatus?: HdfsFileStatus[] } }>(response, dir);
    return body.FileStatuses?.FileStatus ?? [];
  }

  /**
   * Entries after `startAfter` with LISTSTATUS_BATCH (Hadoop 2.9/3.0 and later), page by page: the namenode
   * answers at most dfs.ls.limit entries (1000 by default) and how many remain. A server that does not know the
   * operation gets plain LISTSTATUS, now and for the rest of this backend's life.
   */
  private async listStatusAfter(dir: string, startAfter: string): Promise<HdfsFileStatus[]> {
    const statuses: HdfsFileStatus[] = [];
    let after = startAfter;
    for (;;) {
      let response: Response | null;
      try {
        response = await this.callIfExists(dir, 'LISTSTATUS_BATCH', { startAfter: after });
      } catch (error) {
        if (this.batchListing === 'unknown' && isUnknownOperation(error)) {
          this.batchListing = 'unsupported';
          return this.listStatus(dir);
        }
        throw error;
      }
      if (!response) return statuses;
      this.batchListing = 'supported';
      type Body = {
        DirectoryListing?: {
          partialListing?: { FileStatuses?: { FileStatus?: HdfsFileStatus[] } };
          remainingEntries?: number;
        };
      };
      const listing = (await readJson<Body>(response, dir)).DirectoryListing;
      const page = listing?.partialListing?.FileStatuses?.FileStatus ?? [];
      statuses.push(...page);
      const last = page.at(-1)?.pathSuffix;
      if (!listing?.remainingEntries || last === undefined || last === '') return statuses;
      // A server that ignores startAfter would answer the same page forever.
      if (!(last > after)) {
        throw new LakeError('REMOTE', dir, 'LISTSTATUS_BATCH did not advance past startAfter');
      }
      after = last;
    }
  }

  // --- Publishing ------------------------------------------------------------------------------------------

  /** Move a finished temp file to its name; the temp file is gone afterwards whatever happens. */
  private async publish(temp: string, path: string, mode: RenameMode): Promise<boolean> {
    let published = false;
    try {
      published = await this.rename(temp, path, mode);
      if (published || mode === 'NONE') return published;
      // The server ignored renameoptions and the target exists: replace it in two steps (see the header).
      await this.delete(path);
      published = await this.rename(temp, path, 'NONE');
      if (!published) throw new LakeError('REMOTE', path, 'RENAME of the written temp file was refused');
      return true;
    } finally {
      if (!published) await this.delete(temp).catch(() => false);
    }
  }

  /** RENAME with rename options; false when the destination exists. */
  private async rename(from: string, to: string, mode: RenameMode): Promise<boolean> {
    const query = { destination: this.toHdfsPath(to), renameoptions: mode };
    let response: Response;
    try {
      response = await this.call('PUT', from, 'RENAME', query);
    } catch (error) {
      if (getRemoteError(error)?.isAlreadyExists()) return false;
      throw error;
    }
    const text = await readText(response, from);
    // rename2 answers an empty body; a server that ignored renameoptions answers the old {"boolean": ...}.
    if (text.trim() === '') return true;
    try {
      return (JSON.parse(text) as { boolean?: unknown }).boolean === true;
    } catch (error) {
      throw new LakeError('REMOTE', from, 'WebHDFS answered RENAME with something that is not JSON', {
        cause: error,
      });
    }
  }

  private async makeDirectory(dir: string): Promise<void> {
    if (dir === '') return;
    const response = await this.call('PUT', dir, 'MKDIRS', {});
    if (!(await readJson<{ boolean: boolean }>(response, dir)).boolean) {
      throw new LakeError('REMOTE', dir, 'MKDIRS was refused');
    }
  }

  /** Two-step CREATE of a fresh temp file beside `path`: the namenode redirects, the datanode takes the data. */
  private async createTemp(path: string, data: Chunks): Promise<string> {
    const temp = makeTempPath(path);
    // No body on the first step: the namenode only names a datanode (WebHDFS docs, "Create and Write to a File").
    const redirect = await this.call('PUT', temp, 'CREATE', { overwrite: 'false' }, 'manual');
    await readText(redirect, path);
    const location = redirect.headers.get('location');
    if (redirect.status !== 307 || !location) {
      throw new LakeError('REMOTE', path, `CREATE expected a 307 redirect, got HTTP ${redirect.status}`);
    }
    const deadline = startDeadline(this.timeoutMs);
    const upload = toUploadStream(data, deadline);
    try {
      const response = attachDeadline(
        await this.fetch(new URL(location, this.endpoint), {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: upload.stream,
          // Required by fetch for a streamed request body.
          duplex: 'half',
          signal: deadline.signal,
        } as RequestInit),
        deadline,
      );
      await checkResponse(response, path);
      await readText(response, path);
      return temp;
    } catch (error) {
      deadline.clear();
      // The datanode may have created part of the temp file; it is hidden, but should not linger.
      await this.delete(temp).catch(() => false);
      if (upload.sourceError() !== undefined) {
        throw new LakeError('IO', path, 'Reading the data to write failed', { cause: upload.sourceError() });
      }
      throw toLakeError(error, path, deadline);
    }
  }

  // --- Reading ---------------------------------------------------------------------------------------------

  private async open(path: string, range: ByteRange | undefined): Promise<Uint8Array> {
    if (range?.length === 0) {
      if (!(await this.stat(path))) throw new LakeError('NOT_FOUND', path, 'No such file');
      return new Uint8Array(0);
    }
    const response = await this.callOpen(path, range);
    if (!response) return new Uint8Array(0);
    const chunks: Buffer[] = [];
    for await (const chunk of relayBody(response, path)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** OPEN (fetch follows the 307 to the datanode); null when the range starts past the end of the file. */
  private async callOpen(path: string, range: ByteRange | undefined): Promise<Response | null> {
    const query: Record<string, string> = range
      ? { offset: String(range.offset), length: String(range.length) }
      : {};
    try {
      return await this.call('GET', path, 'OPEN', query);
    } catch (error) {
      // HDFS refuses to seek past the end ("Cannot seek after EOF"); the interface gives what is there: nothing.
      if (getRemoteError(error)?.isEndOfFile()) return null;
      throw error;
    }
  }

  // --- HTTP ------------------------------------------------------------------------------------------------

  private toHdfsPath(path: string): string {
    return path === '' ? this.root : `${this.root === '/' ? '' : this.root}/${path}`;
  }

  private makeUrl(path: string, op: string, query: Record<string, string>): URL {
    const encoded = this.toHdfsPath(path).split('/').map(encodeURIComponent).join('/');
    const url = new URL(`/webhdfs/v1${encoded}`, this.endpoint);
    url.searchParams.set('op', op);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    if (this.userName !== undefined) url.searchParams.set('user.name', this.userName);
    return url;
  }

  /** One namenode request under a progress deadline that stays armed until the caller has read the body. */
  private async call(
    method: string,
    path: string,
    op: string,
    query: Record<string, string>,
    redirect: RequestRedirect = 'follow',
  ): Promise<Response> {
    const response = await this.send(method, path, op, query, redirect, false);
    if (!response) throw new LakeError('NOT_FOUND', path, 'No such file');
    return response;
  }

  /** Like call, but null when the path does not exist (FileNotFoundException). */
  private async callIfExists(
    path: string,
    op: string,
    query: Record<string, string> = {},
  ): Promise<Response | null> {
    return this.send('GET', path, op, query, 'follow', true);
  }

  private async send(
    method: string,
    path: string,
    op: string,
    query: Record<string, string>,
    redirect: RequestRedirect,
    missingOk: boolean,
  ): Promise<Response | null> {
    const deadline = startDeadline(this.timeoutMs);
    try {
      const init: RequestInit = { method, redirect, signal: deadline.signal };
      const response = attachDeadline(await this.fetch(this.makeUrl(path, op, query), init), deadline);
      if (redirect === 'manual' && response.status === 307) return response;
      return (await checkResponse(response, path, { missingOk })) === 'missing' ? null : response;
    } catch (error) {
      deadline.clear();
      throw toLakeError(error, path, deadline);
    }
  }
}

function toFileStatus(path: string, status: HdfsFileStatus): FileStatus {
  const isDirectory = status.type === 'DIRECTORY';
  return {
    path,
    name: path === '' ? '' : getBaseName(path),
    size: isDirectory ? 0 : status.length,
    modifiedMs: status.modificationTime,
    isDirectory,
  };
}

/** A namenode or gateway that predates an operation refuses its name as an invalid "op" value. */
function isUnknownOperation(error: unknown): boolean {
  const remote = getRemoteError(error);
  return (
    remote !== undefined &&
    (remote.exception === 'UnsupportedOperationException' ||
      (remote.exception === 'IllegalArgumentException' && /\bop\b/i.test(remote.remoteMessage)))
  );
}

/** Names that no lake path can express (a backslash) are not part of the lake. */
function isExpressible(name: string): boolean {
  try {
    parseLakePath(name);
    return true;
  } catch {
    return false;
  }
}
