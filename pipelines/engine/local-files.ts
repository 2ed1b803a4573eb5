// Native DuckDB reads files by local path. For a local-folder lake that is the file itself; any other backend's
// file is copied to a temporary file first.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LakeStorage } from '../lake/storage';

export interface LocalFile {
  path: string;
  /** Removes the temporary copy, if one was made. */
  release(): Promise<void>;
}

/** The local folder behind a `file://` lake, or null for remote backends. */
export function getLocalRoot(storage: LakeStorage): string | null {
  return storage.rootUrl.startsWith('file:') ? fileURLToPath(storage.rootUrl) : null;
}

/** Gives DuckDB a local path for a lake-relative file. */
export async function materializeLakeFile(storage: LakeStorage, lakePath: string): Promise<LocalFile> {
  const root = getLocalRoot(storage);
  if (root !== null) return { path: path.join(root, ...lakePath.split('/')), release: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), 'lake-file-'));
  // turbopackIgnore: a temp file at run time; without it Next's build traces the whole project.
  const local = path.join(/*turbopackIgnore: true*/ dir, path.posix.basename(lakePath) || 'file');
  await writeFile(local, await storage.read(lakePath));
  return { path: local, release: () => rm(dir, { recursive: true, force: true }) };
}

/** Materialises several files; `release` cleans up all of them. */
export async function materializeLakeFiles(
  storage: LakeStorage,
  lakePaths: string[],
): Promise<{ paths: string[]; release(): Promise<void> }> {
  const files: LocalFile[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(files.map((file) => file.release()));
  };
  try {
    for (const lakePath of lakePaths) files.push(await materializeLakeFile(storage, lakePath));
  } catch (error) {
    await release();
    throw error;
  }
  return { paths: files.map((file) => file.path), release };
}
