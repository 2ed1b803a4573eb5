// The lake on a local folder (the default backend, ARCHITECTURE.md §4). Every write goes to a hidden temp file
// in the target's directory, is fsynced, and is then published in one step: rename() to replace, link() to
// create only if absent (link fails with EEXIST instead of replacing, which is what Delta commits need).

import { constants, createReadStream, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import {
  checkByteRange,
  getBaseName,
  isTempName,
  joinLakePath,
  makeTempPath,
  parseLakePath,
  toBytes,
} from './lake-paths';
import { LakeError, type ByteRange, type FileStatus, type LakeStorage, type ListOptions } from './storage';
import { logCleanupFailure } from '../support/cleanup';

// Listing stats every entry, and a Delta log holds thousands. On a local disk a synchronous stat takes a few µs and
// one through libuv's thread pool and a promise several times that (11,000 entries: ~50 ms against ~150-190 ms), so
// entries are stat'ed synchronously in slices, yielding to the event loop between slices. A slow slice (50 ms for
// 256 entries is ~200 µs a stat, far above a local disk even on a busy machine) means a network file system whose
// round trips would block the process: the rest goes through a pool of concurrent async stats, which overlaps them.
const SYNC_STAT_SLICE = 256;
const SLOW_SLICE_MS = 50;
// Async stats in flight: enough to keep the thread pool busy, few enough to stay far from the descriptor limit.
const STAT_CONCURRENCY = 64;

type Chunks = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export class LocalLakeStorage implements LakeStorage {
  readonly rootUrl: string;
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.rootUrl = pathToFileURL(this.root).href;
  }

  async list(dir: string, options: ListOptions = {}): Promise<FileStatus[]> {
    const abs = await this.resolvePath(dir, { allowRoot: true });
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (error) {
      // A file has no entries under it, like a missing directory.
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return [];
      throw toLakeError(error, dir, 'Cannot list directory');
    }
    const { startAfter } = options;
    // Names are filtered before anything is stat'ed: readdir is cheap, a stat per entry is what costs.
    const visible = entries
      .filter((e) => !isTempName(e.name) && (startAfter === undefined || e.name > startAfter))
      .sort((a, b) => compareNames(a.name, b.name));
    const statuses = await this.statEntries(abs, dir, visible);
    return statuses.filter((status): status is FileStatus => status !== null);
  }

  async stat(path: string): Promise<FileStatus | null> {
    return statFile(await this.resolvePath(path, { allowRoot: true }), path);
  }

  async read(path: string): Promise<Uint8Array> {
    const handle = await this.openForRead(path);
    try {
      return await handle.readFile();
    } catch (error) {
      throw toLakeError(error, path, 'Cannot read file');
    } finally {
      await handle.close();
    }
  }

  async readRange(path: string, range: ByteRange): Promise<Uint8Array> {
    checkByteRange(path, range);
    const handle = await this.openForRead(path);
    try {
      const size = (await handle.stat()).size;
      const length = Math.max(0, Math.min(range.length, size - range.offset));
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, range.offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    } catch (error) {
      throw toLakeError(error, path, 'Cannot read file range');
    } finally {
      await handle.close();
    }
  }

  async readStream(path: string, range?: ByteRange): Promise<Readable> {
    if (range) checkByteRange(path, range);
    // Open first so a missing file rejects here, as NOT_FOUND, rather than as a later stream error.
    const handle = await this.openForRead(path);
    if (range?.length === 0) {
      await handle.close();
      return Readable.from([]);
    }
    const start = range?.offset ?? 0;
    const end = range ? range.offset + range.length - 1 : undefined;
    return createReadStream('', { fd: handle, start, end, autoClose: true });
  }

  async writeStream(path: string, data: Chunks): Promise<void> {
    const target = await this.resolvePath(path);
    const temp = await this.writeTemp(path, data);
    try {
      await rename(temp, target);
    } catch (error) {
      await removeQuietly(temp);
      throw toLakeError(error, path, 'Cannot publish file');
    }
    await syncDirectory(dirname(target));
  }

  async write(path: string, data: Uint8Array | string): Promise<void> {
    await this.writeStream(path, [toBytes(data)]);
  }

  async putIfAbsent(path: string, data: Uint8Array | string): Promise<boolean> {
    const target = await this.resolvePath(path);
    // Cheap early answer; the link below is what makes the operation atomic.
    if (await exists(target)) return false;
    const temp = await this.writeTemp(path, [toBytes(data)]);
    try {
      return await linkIfAbsent(temp, target, path);
    } finally {
      await removeQuietly(temp);
    }
  }

  async renameIfAbsent(from: string, to: string): Promise<boolean> {
    const source = await this.resolvePath(from);
    const target = await this.resolvePath(to);
    const sourceStatus = await lstat(source).catch((error: unknown) => {
      throw toLakeError(error, from, 'Cannot rename file');
    });
    if (!sourceStatus.isFile()) throw new LakeError('IO', from, 'Only files can be renamed');
    await makeParentDirectory(target, to);
    // rename() would replace an existing target; link() refuses it. A crash between link and unlink leaves the
    // file under both names, both complete: never a partial or lost file.
    if (!(await linkIfAbsent(source, target, to))) return false;
    await unlink(source).catch((error: unknown) => {
      throw toLakeError(error, from, 'Cannot remove the source of a rename');
    });
    await syncDirectory(dirname(target));
    if (dirname(source) !== dirname(target)) await syncDirectory(dirname(source));
    return true;
  }

  async delete(path: string): Promise<boolean> {
    const abs = await this.resolvePath(path);
    try {
      const status = await lstat(abs);
      // Directories go only when empty, as a non-recursive DELETE does on HDFS.
      await (status.isDirectory() ? rmdir(abs) : unlink(abs));
      return true;
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return false;
      throw toLakeError(error, path, 'Cannot delete');
    }
  }

  /** Statuses of directory entries, in their order (see SYNC_STAT_SLICE for how). */
  private async statEntries(
    dirAbs: string,
    dir: string,
    entries: Dirent[],
  ): Promise<Array<FileStatus | null>> {
    const statuses: Array<FileStatus | null> = [];
    let index = 0;
    while (index < entries.length) {
      const started = performance.now();
      const end = Math.min(index + SYNC_STAT_SLICE, entries.length);
      for (; index < end; index += 1) {
        const entry = entries[index] as Dirent;
        // A symbolic link must be resolved to check it stays in the lake: the async path does that.
        statuses.push(
          entry.isSymbolicLink()
            ? await this.statEntry(dirAbs, dir, entry)
            : statEntrySync(dirAbs, dir, entry.name),
        );
      }
      if (index >= entries.length) break;
      if (performance.now() - started > SLOW_SLICE_MS) {
        const rest = await mapConcurrently(entries.slice(index), STAT_CONCURRENCY, (entry) =>
          this.statEntry(dirAbs, dir, entry),
        );
        return [...statuses, ...rest];
      }
      await yieldToEventLoop();
    }
    return statuses;
  }

  /** Status of a directory entry; null for entries that are not part of the lake or vanished meanwhile. */
  private async statEntry(dirAbs: string, dir: string, entry: Dirent): Promise<FileStatus | null> {
    const path = joinLakePath(dir, entry.name);
    try {
      parseLakePath(path);
      // Only a symbolic link can lead out of a directory that is itself inside the lake.
      if (entry.isSymbolicLink()) await this.resolvePath(path);
    } catch (error) {
      // A name no lake path can express (a backslash) or a link out of the lake is not part of the lake.
      if (error instanceof LakeError && error.code === 'INVALID_PATH') return null;
      throw error;
    }
    return statFile(join(dirAbs, entry.name), path);
  }

  /** Map a lake path to an absolute path under the root, refusing symlinks that lead out of it. */
  private async resolvePath(path: string, options: { allowRoot?: boolean } = {}): Promise<string> {
    const segments = parseLakePath(path, options);
    const abs = join(this.root, ...segments);
    const [realRoot, realTarget] = await Promise.all([resolveExisting(this.root), resolveExisting(abs)]);
    const rel = relative(realRoot, realTarget);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new LakeError('INVALID_PATH', path, 'Lake path leads outside the lake through a symbolic link');
    }
    return abs;
  }

  private async openForRead(path: string): Promise<FileHandle> {
    const abs = await this.resolvePath(path);
    try {
      const handle = await open(abs, constants.O_RDONLY);
      if ((await handle.stat()).isDirectory()) {
        await handle.close();
        throw new LakeError('IO', path, 'Cannot read a directory');
      }
      return handle;
    } catch (error) {
      throw toLakeError(error, path, 'Cannot open file');
    }
  }

  /** Write the data to a fresh hidden temp file beside `path`, fsynced; returns its absolute path. */
  private async writeTemp(path: string, data: Chunks): Promise<string> {
    const temp = join(this.root, ...makeTempPath(path).split('/'));
    await makeParentDirectory(temp, path);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx');
      for await (const chunk of data) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        if (bytes.length > 0) await handle.write(bytes);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      return temp;
    } catch (error) {
      await handle?.close().catch(logCleanupFailure('handle?.close()'));
      await removeQuietly(temp);
      throw toLakeError(error, path, 'Cannot write file');
    }
  }
}

async function statFile(abs: string, path: string): Promise<FileStatus | null> {
  try {
    return toFileStatus(path, await stat(abs));
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return null;
    throw toLakeError(error, path, 'Cannot stat');
  }
}

/** statEntry for an entry that is not a symbolic link, synchronously. */
function statEntrySync(dirAbs: string, dir: string, name: string): FileStatus | null {
  const path = joinLakePath(dir, name);
  try {
    parseLakePath(path);
  } catch (error) {
    // A name no lake path can express (a backslash) is not part of the lake.
    if (error instanceof LakeError && error.code === 'INVALID_PATH') return null;
    throw error;
  }
  try {
    return toFileStatus(path, statSync(join(dirAbs, name)));
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return null;
    throw toLakeError(error, path, 'Cannot stat');
  }
}

function toFileStatus(path: string, status: Stats): FileStatus {
  return {
    path,
    name: getBaseName(path),
    size: status.isDirectory() ? 0 : status.size,
    modifiedMs: Math.floor(status.mtimeMs),
    isDirectory: status.isDirectory(),
  };
}

async function makeParentDirectory(abs: string, path: string): Promise<void> {
  try {
    await mkdir(dirname(abs), { recursive: true });
  } catch (error) {
    // ENOTDIR here means a file stands where a parent directory should be: not a missing file.
    const detail = error instanceof Error ? error.message : String(error);
    throw new LakeError('IO', path, `Cannot create parent directory: ${detail}`, { cause: error });
  }
}

async function linkIfAbsent(existing: string, target: string, path: string): Promise<boolean> {
  try {
    await link(existing, target);
  } catch (error) {
    if (hasCode(error, 'EEXIST')) return false;
    if (hasCode(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV')) {
      // No O_EXCL fallback: it would show readers a half-written commit. Say what the lake needs instead.
      const message = 'The lake folder must be on a file system with hard links (atomic put-if-absent)';
      throw new LakeError('IO', path, message, { cause: error });
    }
    throw toLakeError(error, path, 'Cannot link file into place');
  }
  await syncDirectory(dirname(target));
  return true;
}

/** realpath of the deepest existing ancestor, with the missing remainder appended. */
async function resolveExisting(abs: string): Promise<string> {
  let current = abs;
  const missing: string[] = [];
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (error) {
      const parent = dirname(current);
      if (!hasCode(error, 'ENOENT', 'ENOTDIR') || parent === current) throw error;
      missing.push(current.slice(parent.length).replace(/^[/\\]+/, ''));
      current = parent;
    }
  }
}

async function exists(abs: string): Promise<boolean> {
  try {
    await lstat(abs);
    return true;
  } catch {
    return false;
  }
}

// Without a directory fsync a rename or link can be lost on power failure even though the data was synced.
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some platforms and file systems refuse fsync on a directory; the write itself has succeeded.
  } finally {
    await handle?.close().catch(logCleanupFailure('handle?.close()'));
  }
}

async function removeQuietly(abs: string): Promise<void> {
  await unlink(abs).catch(logCleanupFailure('unlink(abs)'));
}

/** Maps items with at most `limit` calls in flight, keeping the order of the input. */
async function mapConcurrently<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '')
  );
}

function toLakeError(error: unknown, path: string, message: string): LakeError {
  if (error instanceof LakeError) return error;
  if (hasCode(error, 'ENOENT', 'ENOTDIR'))
    return new LakeError('NOT_FOUND', path, 'No such file', { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new LakeError('IO', path, `${message}: ${detail}`, { cause: error });
}
