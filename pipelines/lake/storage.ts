// The one storage interface of the lake (ARCHITECTURE.md §3, §4). Every backend (local folder, WebHDFS)
// implements it and passes test/lake's contract suite. Paths are lake-relative, '/'-separated, with no
// leading slash, no '.' or '..' segment: a backend resolves them under its root and refuses anything else.

import type { Readable } from 'node:stream';

export interface FileStatus {
  /** Lake-relative path of the entry. */
  path: string;
  /** Base name of the entry. */
  name: string;
  size: number;
  /** Modification time in milliseconds since the epoch. */
  modifiedMs: number;
  isDirectory: boolean;
}

export interface ByteRange {
  /** First byte, inclusive. */
  offset: number;
  /** How many bytes to read; a range past the end returns what is there. */
  length: number;
}

export interface ListOptions {
  /**
   * Only entries whose names sort strictly after this one, by UTF-16 code unit (the order `list` returns); the
   * name itself need not exist. Lets a Delta reader list `_delta_log` from a checkpoint on instead of in full.
   */
  startAfter?: string;
}

export interface LakeStorage {
  /** A URL that names the backend's root, e.g. file:///srv/lake or webhdfs://namenode:9870/lake. */
  readonly rootUrl: string;
  /** Entries directly under a directory, sorted by name. A missing directory gives []. */
  list(dir: string, options?: ListOptions): Promise<FileStatus[]>;
  /** Status of one entry, or null when it does not exist. */
  stat(path: string): Promise<FileStatus | null>;
  /** Whole file. Throws LakeError NOT_FOUND when missing. */
  read(path: string): Promise<Uint8Array>;
  /** A byte range of a file. */
  readRange(path: string, range: ByteRange): Promise<Uint8Array>;
  /** Stream a file, optionally a range of it. */
  readStream(path: string, range?: ByteRange): Promise<Readable>;
  /** Write a file from a stream, atomically: readers see the old file or the whole new one, never a part. */
  writeStream(path: string, data: Readable | AsyncIterable<Uint8Array>): Promise<void>;
  /** Write a whole file atomically, replacing any existing file. */
  write(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * Create the file only if nothing exists at the path; atomic against concurrent writers (Delta commits rely
   * on it). Returns false, writing nothing, when the path exists.
   */
  putIfAbsent(path: string, data: Uint8Array | string): Promise<boolean>;
  /** Move a file to a path that must not exist; returns false, moving nothing, when it does. */
  renameIfAbsent(from: string, to: string): Promise<boolean>;
  /** Delete a file; returns false when it did not exist. */
  delete(path: string): Promise<boolean>;
}

export type LakeErrorCode = 'NOT_FOUND' | 'INVALID_PATH' | 'IO' | 'TIMEOUT' | 'REMOTE';

/** Errors of the storage layer, with a stable code and the path they concern. */
export class LakeError extends Error {
  readonly code: LakeErrorCode;
  readonly path: string;

  constructor(code: LakeErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${code}: ${path})`, options);
    this.name = 'LakeError';
    this.code = code;
    this.path = path;
  }
}
