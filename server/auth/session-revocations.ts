// Sessions revoked by logout, until they would have expired anyway: a small JSON file beside the users file
// (`revoked-sessions.json`), so every process that serves requests sees a logout, and it survives a restart.
// Readers re-read it only when it changes (inode, mtime, size: one stat per request); writes are serialized in
// this process and go to a temp file then rename, never half a file.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const fileSchema = z.record(z.string(), z.number());

export interface RevocationStore {
  revoke(sid: string, expiresAt: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
}

export function revocationsFileFor(usersFile: string): string {
  return path.join(path.dirname(usersFile), 'revoked-sessions.json');
}

export function createRevocationStore(file: string, now: () => number = Date.now): RevocationStore {
  let cached: { key: string; revoked: Record<string, number> } | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function load(): Promise<Record<string, number>> {
    let key = 'missing';
    try {
      const s = await stat(file);
      key = `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (cached?.key !== key) cached = { key, revoked: key === 'missing' ? {} : await readRevoked(file) };
    return cached.revoked;
  }

  return {
    async isRevoked(sid) {
      const revoked = await load();
      return revoked[sid] !== undefined;
    },
    revoke(sid, expiresAt) {
      const next = writing.then(async () => {
        const revoked = { ...(await load()) };
        const t = now();
        // Expired sessions are refused by their seal's TTL already: drop them so the file stays small.
        for (const [id, until] of Object.entries(revoked)) if (until <= t) delete revoked[id];
        revoked[sid] = expiresAt;
        await mkdir(path.dirname(file), { recursive: true });
        const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(temp, `${JSON.stringify(revoked)}\n`, { mode: 0o600 });
        await rename(temp, file);
        cached = undefined;
      });
      // One failed write must not block later ones; the caller still sees this one's error.
      writing = next.catch(() => undefined);
      return next;
    },
  };
}

async function readRevoked(file: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = fileSchema.safeParse(JSON.parse(text === '' ? '{}' : text));
  if (!parsed.success) throw new Error(`The session revocation file ${file} is malformed`);
  return parsed.data;
}
