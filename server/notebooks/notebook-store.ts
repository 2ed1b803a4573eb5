// Notebooks as files in NOTEBOOKS_DIR (one <id>.sql each), written atomically (temp file, then rename) so a reader
// never sees half a notebook.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseNotebook, serializeNotebook } from './notebook-format';
import type { Notebook, NotebookSummary } from './types';

export const NOTEBOOK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const EXTENSION = '.sql';

export class NotebookNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No notebook '${id}'`);
    this.name = 'NotebookNotFoundError';
  }
}

export interface NotebookStore {
  list(): Promise<NotebookSummary[]>;
  read(id: string): Promise<Notebook>;
  /** Writes a notebook (creating or replacing its file). */
  save(notebook: Notebook): Promise<NotebookSummary>;
  remove(id: string): Promise<void>;
  /** A new id for a title: a slug plus a short random part, so two "Untitled" never collide. */
  newId(title: string): string;
}

export function createNotebookStore(dir: string): NotebookStore {
  const fileOf = (id: string) => {
    if (!NOTEBOOK_ID.test(id)) throw new NotebookNotFoundError(id);
    return path.join(dir, `${id}${EXTENSION}`);
  };
  const summarize = (notebook: Notebook, updatedAt: number): NotebookSummary => ({
    id: notebook.id,
    title: notebook.title,
    updatedAt,
    cellCount: notebook.cells.length,
  });
  return {
    async list() {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      const ids = names
        .filter((name) => name.endsWith(EXTENSION))
        .map((name) => name.slice(0, -EXTENSION.length))
        .filter((id) => NOTEBOOK_ID.test(id));
      const summaries = await Promise.all(
        ids.map(async (id) => {
          const file = fileOf(id);
          const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
          return summarize(parseNotebook(id, text), info.mtimeMs);
        }),
      );
      return summaries.sort((a, b) => b.updatedAt - a.updatedAt);
    },
    async read(id) {
      const text = await readFile(fileOf(id), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new NotebookNotFoundError(id);
        throw error;
      });
      return parseNotebook(id, text);
    },
    async save(notebook) {
      const file = fileOf(notebook.id);
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `.${notebook.id}.${randomBytes(8).toString('hex')}.tmp`);
      await writeFile(temp, serializeNotebook(notebook));
      await rename(temp, file);
      return summarize(notebook, (await stat(file)).mtimeMs);
    },
    async remove(id) {
      const file = fileOf(id);
      try {
        await stat(file);
      } catch {
        throw new NotebookNotFoundError(id);
      }
      await rm(file);
    },
    newId(title) {
      const slug = title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 48);
      return `${slug || 'notebook'}-${randomBytes(3).toString('hex')}`;
    },
  };
}
