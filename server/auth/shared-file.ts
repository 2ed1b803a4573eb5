// The auth files (users, revoked sessions) are small files every serving process shares. A reader re-reads one
// only when it changed: one stat per request, keyed by inode, mtime and size, which every write changes because
// it renames a new file into place. A write goes to a temp file beside the target, mode 0600 (hashes and session
// ids are secrets), then one rename, so no reader ever sees half a file.

import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CachedFile<T> {
  /** The file's content as read reads it, re-read only when the file changed since the last call. */
  get(): Promise<T>;
  /** Re-read on the next get even if the file looks unchanged (after this process wrote it). */
  forget(): void;
}

/** Caches read(file) until the file changes; read is also called (once) while the file is missing. */
export function cacheUntilChanged<T>(file: string, read: (file: string) => Promise<T>): CachedFile<T> {
  let cached: { key: string; value: T } | undefined;
  return {
    async get() {
      let key = 'missing';
      try {
        const s = await stat(file);
        key = `${s.ino}:${s.mtimeMs}:${s.size}`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (cached?.key !== key) cached = { key, value: await read(file) };
      return cached.value;
    },
    forget() {
      cached = undefined;
    },
  };
}

/** Replaces the file's content atomically (temp file, then rename), readable by its owner only. */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}
