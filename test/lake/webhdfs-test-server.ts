// WEBHDFS PROTOCOL TEST SERVER: NOT HDFS. No HDFS can run on these machines (ARCHITECTURE.md §4), so the
// WebHDFS backend is tested against this node:http server over a temp folder. It answers the REST protocol the
// way a Hadoop 3 namenode and datanode do, for the operations the backend uses:
// https://hadoop.apache.org/docs/stable/hadoop-project-dist/hadoop-hdfs/WebHDFS.html
// - /webhdfs/v1/... is the "namenode": metadata operations, and 307 redirects for OPEN and CREATE to
//   /datanode/webhdfs/v1/... on the same server, the "datanode", which moves the bytes.
// - A file being CREATEd is visible under its name while its data arrives, as on HDFS (which is why the
//   backend writes to a temp name and RENAMEs).
// - RENAME without renameoptions is FileSystem.rename (answers {"boolean": false} when the destination exists,
//   moves into a destination directory); with renameoptions it is rename2 (throws instead). Pass
//   supportRenameOptions: false to behave like a gateway (HttpFS) that ignores the option.
// - LISTSTATUS_BATCH answers the entries after startAfter, at most listBatchSize (dfs.ls.limit, 1000) at a
//   time, with remainingEntries; listStatusBatch: 'unsupported' answers it as a pre-2.9 namenode does (an invalid
//   "op"), 'whole' as HttpFS does (the whole directory, startAfter ignored: HDFS-14663).
// - Errors are RemoteException JSON with the status codes of Hadoop's ExceptionHandler.
// It is not a conformance oracle: the live suite (webhdfs-live.test.ts, WEBHDFS_URL) is.

import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface RecordedRequest {
  method: string;
  role: 'namenode' | 'datanode';
  op: string;
  hdfsPath: string;
  query: Record<string, string>;
}

export interface WebHdfsTestServer {
  /** http://127.0.0.1:<port>, the namenode's HTTP address. */
  readonly endpoint: string;
  /** The folder that holds the file system. */
  readonly dataDir: string;
  readonly requests: RecordedRequest[];
  /**
   * Hold back the answer to matching requests by `ms` (0 to stop), to make clients time out: before the
   * headers, or (at: 'body', datanode OPEN only) after the first 64 KiB of the body.
   */
  delayResponses(ms: number, match?: (request: RecordedRequest) => boolean, at?: 'headers' | 'body'): void;
  close(): Promise<void>;
}

class RemoteException extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    readonly javaClassName: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (message: string) =>
  new RemoteException(404, 'FileNotFoundException', 'java.io.FileNotFoundException', message);
const alreadyExists = (message: string) =>
  new RemoteException(
    403,
    'FileAlreadyExistsException',
    'org.apache.hadoop.fs.FileAlreadyExistsException',
    message,
  );
const ioError = (exception: string, javaClassName: string, message: string) =>
  new RemoteException(403, exception, javaClassName, message);
const badRequest = (message: string) =>
  new RemoteException(400, 'IllegalArgumentException', 'java.lang.IllegalArgumentException', message);

export interface WebHdfsTestServerOptions {
  supportRenameOptions?: boolean;
  listStatusBatch?: 'supported' | 'unsupported' | 'whole';
  /** Entries per LISTSTATUS_BATCH answer (dfs.ls.limit). Default 1000. */
  listBatchSize?: number;
}

export async function startWebHdfsTestServer(
  options: WebHdfsTestServerOptions = {},
): Promise<WebHdfsTestServer> {
  const supportRenameOptions = options.supportRenameOptions ?? true;
  const listStatusBatch = options.listStatusBatch ?? 'supported';
  const listBatchSize = options.listBatchSize ?? 1000;
  const dataDir = await mkdtemp(join(tmpdir(), 'webhdfs-test-server-'));
  const requests: RecordedRequest[] = [];
  let delay = {
    ms: 0,
    match: (_request: RecordedRequest): boolean => true,
    at: 'headers' as 'headers' | 'body',
  };
  let endpoint = '';

  const toLocal = (hdfsPath: string): string => join(dataDir, ...hdfsPath.split('/').filter((s) => s !== ''));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', endpoint);
    const role = url.pathname.startsWith('/datanode/webhdfs/v1') ? 'datanode' : 'namenode';
    const prefix = role === 'datanode' ? '/datanode/webhdfs/v1' : '/webhdfs/v1';
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Not Found');
    }
    const hdfsPath = parseHdfsPath(decodeURIComponent(url.pathname.slice(prefix.length)));
    const query = Object.fromEntries(url.searchParams);
    const op = (query.op ?? '').toUpperCase();
    const request: RecordedRequest = { method: req.method ?? 'GET', role, op, hdfsPath, query };
    requests.push(request);
    const delayMs = delay.ms > 0 && delay.match(request) ? delay.ms : 0;
    if (delayMs > 0 && delay.at === 'headers') await sleep(delayMs);
    // A delayed request whose server has been closed meanwhile must not write into a deleted folder.
    if (closed) return void res.destroy();
    const local = toLocal(hdfsPath);

    if (role === 'datanode') {
      if (request.method === 'GET' && op === 'OPEN') {
        return sendFile(res, local, hdfsPath, query, delay.at === 'body' ? delayMs : 0, sleep);
      }
      if (request.method === 'PUT' && op === 'CREATE') return receiveFile(req, res, local, hdfsPath, query);
      throw badRequest(`Unsupported datanode operation ${request.method} ${op}`);
    }
    switch (`${request.method} ${op}`) {
      case 'GET GETFILESTATUS':
        return sendJson(res, 200, { FileStatus: toHdfsStatus(statOrThrow(local, hdfsPath), '') });
      case 'GET LISTSTATUS': {
        const status = statOrThrow(local, hdfsPath);
        const entries = status.isDirectory()
          ? readdirSync(local)
              .sort()
              .map((name) => toHdfsStatus(lstatSync(join(local, name)), name))
          : [toHdfsStatus(status, '')];
        return sendJson(res, 200, { FileStatuses: { FileStatus: entries } });
      }
      case 'GET LISTSTATUS_BATCH': {
        if (listStatusBatch === 'unsupported') {
          throw badRequest(`Invalid value for webhdfs parameter "op": No enum constant ${op}`);
        }
        const status = statOrThrow(local, hdfsPath);
        if (!status.isDirectory()) {
          const self = [toHdfsStatus(status, '')];
          return sendJson(res, 200, listing(self, 0));
        }
        // Parameter names are case-insensitive in WebHDFS.
        const startAfter = Object.entries(query).find(([key]) => key.toLowerCase() === 'startafter')?.[1];
        const names = readdirSync(local).sort();
        if (listStatusBatch === 'whole') {
          return sendJson(
            res,
            200,
            listing(
              names.map((name) => toHdfsStatus(lstatSync(join(local, name)), name)),
              0,
            ),
          );
        }
        const after = startAfter ? names.filter((name) => name > startAfter) : names;
        const page = after.slice(0, listBatchSize);
        const entries = page.map((name) => toHdfsStatus(lstatSync(join(local, name)), name));
        return sendJson(res, 200, listing(entries, after.length - page.length));
      }
      case 'GET OPEN':
        if (!statOrThrow(local, hdfsPath).isFile()) throw notFound(`Path is not a file: ${hdfsPath}`);
        return redirectToDatanode(res, url);
      case 'PUT CREATE':
        // The namenode only chooses a datanode; existence is checked when the datanode creates the file.
        req.resume();
        return redirectToDatanode(res, url);
      case 'PUT MKDIRS':
        checkParentsAreDirectories(hdfsPath);
        if (existsSync(local) && !lstatSync(local).isDirectory()) {
          throw alreadyExists(`Path is not a directory: ${hdfsPath}`);
        }
        mkdirSync(local, { recursive: true });
        return sendJson(res, 200, { boolean: true });
      case 'PUT RENAME':
        return sendRename(res, hdfsPath, query);
      case 'DELETE DELETE':
        return sendJson(res, 200, { boolean: deletePath(local, hdfsPath, query.recursive === 'true') });
      default:
        throw badRequest(`Invalid value for webhdfs parameter "op": ${request.method} ${op}`);
    }
  }

  function redirectToDatanode(res: ServerResponse, url: URL): void {
    const location = new URL(`/datanode${url.pathname}${url.search}`, endpoint);
    location.searchParams.set('namenoderpcaddress', 'localhost:8020');
    res.writeHead(307, { location: location.href, 'content-type': 'application/octet-stream' });
    res.end();
  }

  function sendRename(res: ServerResponse, hdfsPath: string, query: Record<string, string>): void {
    if (query.destination === undefined)
      throw badRequest('Required param destination for op: RENAME is null.');
    const destination = parseHdfsPath(query.destination);
    const [src, dst] = [toLocal(hdfsPath), toLocal(destination)];
    const options = supportRenameOptions
      ? (query.renameoptions ?? '').split(',').filter((o) => o !== '')
      : [];
    if (options.length === 0) {
      // FileSystem.rename: every refusal is a plain false.
      if (!existsSync(src) || !isDirectory(join(dst, '..'))) return sendJson(res, 200, { boolean: false });
      const target = isDirectory(dst) ? join(dst, hdfsPath.slice(hdfsPath.lastIndexOf('/') + 1)) : dst;
      if (existsSync(target)) return sendJson(res, 200, { boolean: false });
      renameSync(src, target);
      return sendJson(res, 200, { boolean: true });
    }
    if (options.some((o) => o !== 'NONE' && o !== 'OVERWRITE'))
      throw badRequest(`Bad renameoptions ${options}`);
    if (!existsSync(src)) throw notFound(`rename source ${hdfsPath} is not found.`);
    if (!isDirectory(join(dst, '..'))) throw notFound(`rename destination parent ${destination} not found.`);
    if (existsSync(dst)) {
      if (!options.includes('OVERWRITE'))
        throw alreadyExists(`rename destination ${destination} already exists.`);
      if (isDirectory(dst) && readdirSync(dst).length > 0) {
        throw ioError(
          'IOException',
          'java.io.IOException',
          `rename destination directory is not empty: ${destination}`,
        );
      }
    }
    renameSync(src, dst);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 0 });
    res.end();
  }

  function deletePath(local: string, hdfsPath: string, recursive: boolean): boolean {
    if (!existsSync(local)) return false;
    if (!isDirectory(local)) {
      unlinkSync(local);
      return true;
    }
    if (readdirSync(local).length > 0 && !recursive) {
      throw ioError(
        'PathIsNotEmptyDirectoryException',
        'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException',
        `\`${hdfsPath} is non empty': Directory is not empty`,
      );
    }
    if (recursive) rmSync(local, { recursive: true, force: true });
    else rmdirSync(local);
    return true;
  }

  function checkParentsAreDirectories(hdfsPath: string): void {
    const segments = hdfsPath.split('/').filter((s) => s !== '');
    for (let i = 1; i < segments.length; i++) {
      const ancestor = toLocal(segments.slice(0, i).join('/'));
      if (existsSync(ancestor) && !isDirectory(ancestor)) {
        throw ioError(
          'ParentNotDirectoryException',
          'org.apache.hadoop.fs.ParentNotDirectoryException',
          `/${segments.slice(0, i).join('/')} (is not a directory)`,
        );
      }
    }
  }

  async function receiveFile(
    req: IncomingMessage,
    res: ServerResponse,
    local: string,
    hdfsPath: string,
    query: Record<string, string>,
  ): Promise<void> {
    try {
      if (isDirectory(local)) throw alreadyExists(`${hdfsPath} already exists as a directory`);
      checkParentsAreDirectories(hdfsPath);
      mkdirSync(join(local, '..'), { recursive: true });
      // overwrite defaults to false in WebHDFS; 'wx' makes the check and the creation one step.
      const handle = await open(local, query.overwrite === 'true' ? 'w' : 'wx').catch((error: unknown) => {
        if ((error as { code?: string }).code === 'EEXIST') {
          throw alreadyExists(`failed to create file ${hdfsPath} for DFSClient because the file exists`);
        }
        throw error;
      });
      await pipeline(req, handle.createWriteStream());
    } catch (error) {
      req.resume();
      throw error;
    }
    res.writeHead(201, { location: `hdfs://localhost:8020${hdfsPath}`, 'content-length': 0 });
    res.end();
  }

  const inFlight = new Set<Promise<void>>();
  const sleeps = new Set<() => void>();
  let closed = false;
  // Delays end early when the server closes, so that close() need not wait them out.
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleeps.add(wake);
    });
  }

  const server = createServer((req, res) => {
    const handling = handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const remote =
        error instanceof RemoteException
          ? error
          : new RemoteException(500, 'RuntimeException', 'java.lang.RuntimeException', String(error));
      sendJson(res, remote.status, {
        RemoteException: {
          exception: remote.exception,
          javaClassName: remote.javaClassName,
          message: remote.message,
        },
      });
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    dataDir,
    requests,
    delayResponses(ms, match = () => true, at = 'headers') {
      delay = { ms, match, at };
    },
    async close() {
      closed = true;
      for (const wake of [...sleeps]) wake();
      server.closeAllConnections();
      await Promise.all(inFlight);
      await new Promise((resolve) => server.close(resolve));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function parseHdfsPath(path: string): string {
  if (!path.startsWith('/')) throw badRequest(`Invalid path name ${path}: not absolute`);
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\0'))) {
    throw badRequest(`Invalid path name ${path}`);
  }
  return `/${segments.join('/')}`;
}

function statOrThrow(local: string, hdfsPath: string): Stats {
  try {
    return lstatSync(local);
  } catch {
    throw notFound(`File does not exist: ${hdfsPath}`);
  }
}

function isDirectory(local: string): boolean {
  return existsSync(local) && lstatSync(local).isDirectory();
}

function toHdfsStatus(status: Stats, pathSuffix: string) {
  const directory = status.isDirectory();
  return {
    accessTime: directory ? 0 : Math.floor(status.atimeMs),
    blockSize: directory ? 0 : 134217728,
    childrenNum: 0,
    fileId: status.ino,
    group: 'supergroup',
    length: directory ? 0 : status.size,
    modificationTime: Math.floor(status.mtimeMs),
    owner: 'webhdfs-test',
    pathSuffix,
    permission: directory ? '755' : '644',
    replication: directory ? 0 : 3,
    storagePolicy: 0,
    type: directory ? 'DIRECTORY' : 'FILE',
  };
}

function listing(entries: unknown[], remainingEntries: number) {
  return {
    DirectoryListing: { partialListing: { FileStatuses: { FileStatus: entries } }, remainingEntries },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function sendFile(
  res: ServerResponse,
  local: string,
  hdfsPath: string,
  query: Record<string, string>,
  stallMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const size = statOrThrow(local, hdfsPath).size;
  const offset = Number(query.offset ?? 0);
  if (offset > size) throw ioError('EOFException', 'java.io.EOFException', 'Cannot seek after EOF');
  const length = Math.min(query.length === undefined ? Infinity : Number(query.length), size - offset);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': length });
  if (length === 0) return void res.end();
  const handle = await open(local, 'r');
  const end = offset + length - 1;
  if (stallMs > 0) {
    const head = Math.min(64 * 1024, length);
    const first = Buffer.alloc(head);
    await handle.read(first, 0, head, offset);
    res.write(first);
    await sleep(stallMs);
    if (head === length || res.destroyed) return void (await handle.close());
    return pipeline(handle.createReadStream({ start: offset + head, end }), res);
  }
  await pipeline(handle.createReadStream({ start: offset, end }), res);
}

// Exposed for tests that look at what the server holds without going through WebHDFS.
export async function listServerFiles(server: WebHdfsTestServer, hdfsDir: string): Promise<string[]> {
  return (await readdir(join(server.dataDir, ...hdfsDir.split('/').filter((s) => s !== '')))).sort();
}
