// Sessions revoked by logout, until they would have expired anyway: a small JSON file beside the users file
// (`revoked-sessions.json`), so every process that serves requests sees a logout, and it survives a restart.
// Readers re-read it only when it changes and writes are atomic (shared-file.ts); writes are also serialized in
// this process, so two logouts at once both land.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { cacheUntilChanged, writePrivateFile } from './shared-file';

const fileSchema = z.record(z.string(), z.number());

export interface RevocationStore {
  revoke(sid: string, expiresAt: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
}

export function revocationsFileFor(usersFile: string): string {
  return path.join(path.dirname(usersFile), 'revoked-sessions.json');
}

export function createRevocationStore(file: string, now: () => number = Date.now): RevocationStore {
  const revocations = cacheUntilChanged(file, readRevoked);
  let writing: Promise<void> = Promise.resolve();

  return {
    async isRevoked(sid) {
      const revoked = await revocations.get();
      return revoked[sid] !== undefined;
    },
    revoke(sid, expiresAt) {
      const next = writing.then(async () => {
        const revoked = { ...(await revocations.get()) };
        const t = now();
        // Expired sessions are refused by their seal's TTL already: drop them so the file stays small.
        for (const [id, until] of Object.entries(revoked)) if (until <= t) delete revoked[id];
        revoked[sid] = expiresAt;
        await writePrivateFile(file, `${JSON.stringify(revoked)}\n`);
        revocations.forget();
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
