// Each analyst's query history: one JSON line per run in NOTEBOOKS_DIR/.history/<user>.jsonl, newest last. The
// file is trimmed to the newest entries (temp file, then rename) once it grows past a bound.

import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface QueryHistoryEntry {
  /** ms since the epoch. */
  at: number;
  sql: string;
  runOn: 'browser' | 'server';
  notebookId?: string;
  cellName?: string;
  elapsedMs?: number;
  rows?: number;
  error?: string;
}

const KEEP = 500;
const TRIM_AT = 1000;

function fileFor(dir: string, username: string): string {
  // Usernames become file names: keep them recognisable but unable to name another folder.
  const safe = username.replace(/[^A-Za-z0-9_.@-]/g, '_').replace(/^\.+/, '_');
  return path.join(dir, '.history', `${safe}.jsonl`);
}

async function readEntries(file: string): Promise<QueryHistoryEntry[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const entries: QueryHistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as QueryHistoryEntry);
    } catch {
      // A torn last line from a crash mid-append: skip it, keep the rest.
    }
  }
  return entries;
}

export interface QueryHistory {
  record(username: string, entry: QueryHistoryEntry): Promise<void>;
  /** Newest first. */
  list(username: string, limit: number): Promise<QueryHistoryEntry[]>;
}

export function createQueryHistory(dir: string): QueryHistory {
  return {
    async record(username, entry) {
      const file = fileFor(dir, username);
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify(entry)}\n`);
      const entries = await readEntries(file);
      if (entries.length > TRIM_AT) {
        const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
        await writeFile(
          temp,
          entries
            .slice(-KEEP)
            .map((e) => `${JSON.stringify(e)}\n`)
            .join(''),
        );
        await rename(temp, file);
      }
    },
    async list(username, limit) {
      return (await readEntries(fileFor(dir, username))).slice(-limit).reverse();
    },
  };
}
