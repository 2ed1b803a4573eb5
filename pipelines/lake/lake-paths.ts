// Lake path rules shared by every backend (storage.ts): lake-relative, '/'-separated, no leading slash, no '.',
// '..' or empty segment, no backslash or NUL. Validation is pure so that both backends refuse exactly the same
// paths and the contract suite can hold them to it.

import { randomBytes } from 'node:crypto';
import { LakeError, type ByteRange } from './storage';

// Temp files live beside their target (so the final rename stays inside one directory) and are hidden by name.
// The pattern is specific enough that a dot-file written by another tool (Hadoop's `.part-0.crc`) stays visible.
const TEMP_NAME = /^\..+\.[0-9a-f]{16}\.tmp$/;
// Most file systems cap a name at 255 bytes; the temp name adds the dot, the random part and the suffix.
const MAX_TEMP_STEM = 200;

/**
 * Split a lake path into its segments, refusing anything that could leave the root or that two backends could
 * read differently. `allowRoot` admits '' (the root itself) for directory operations such as list.
 */
export function parseLakePath(path: string, options: { allowRoot?: boolean } = {}): string[] {
  if (typeof path !== 'string')
    throw new LakeError('INVALID_PATH', String(path), 'Lake path must be a string');
  if (path === '') {
    if (options.allowRoot) return [];
    throw new LakeError('INVALID_PATH', path, 'Lake path is empty');
  }
  if (path.startsWith('/'))
    throw new LakeError('INVALID_PATH', path, 'Lake path must be relative to the lake');
  if (path.includes('\\')) throw new LakeError('INVALID_PATH', path, 'Lake path must use / and not \\');
  if (path.includes('\0')) throw new LakeError('INVALID_PATH', path, 'Lake path must not contain NUL');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new LakeError('INVALID_PATH', path, `Lake path has a forbidden segment '${segment}'`);
    }
    if (isTempName(segment)) {
      throw new LakeError('INVALID_PATH', path, 'Lake path names a temporary file of the storage layer');
    }
  }
  return segments;
}

/** The lake path of an entry inside a directory ('' is the root). */
export function joinLakePath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** The parent directory of a lake path ('' for a top-level entry). */
export function getParentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last segment of a lake path. */
export function getBaseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True for names produced by makeTempName: listings never show them. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** A hidden, unguessable temp path in the same directory as `path`. */
export function makeTempPath(path: string): string {
  const stem = getBaseName(path).slice(0, MAX_TEMP_STEM);
  return joinLakePath(getParentPath(path), `.${stem}.${randomBytes(8).toString('hex')}.tmp`);
}

/** Refuse byte ranges that no backend could honour the same way. */
export function checkByteRange(path: string, range: ByteRange): void {
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new LakeError('INVALID_PATH', path, `Invalid byte range offset=${offset} length=${length}`);
  }
}

/** Text is stored as UTF-8. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
