// A notebook's metadata beside its file: NOTEBOOKS_DIR/.meta/<id>.json (owner, shares, version, the last saves,
// a tombstone once deleted), and the content of each kept version in NOTEBOOKS_DIR/.meta/versions/<id>/<n>.sql.
// The .sql notebook stays plain and diffable; everything here is written atomically (temp file, then rename).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { notebookShareSchema } from './notebook-access';

export const HISTORY_LIMIT = 50;

const versionInfoSchema = z.object({
  version: z.number().int().min(1),
  at: z.number(),
  user: z.string().nullable(),
});
export type NotebookVersionInfo = z.infer<typeof versionInfoSchema>;

const metaSchema = z.object({
  owner: z.string().nullable(),
  shares: z.array(notebookShareSchema),
  version: z.number().int().min(1),
  createdAt: z.number(),
  updatedAt: z.number(),
  updatedBy: z.string().nullable(),
  /** Oldest first, at most HISTORY_LIMIT. */
  history: z.array(versionInfoSchema),
  deletedAt: z.number().optional(),
  deletedBy: z.string().optional(),
});
export type NotebookMeta = z.infer<typeof metaSchema>;

export interface NotebookMetaFiles {
  read(id: string): Promise<NotebookMeta | null>;
  write(id: string, meta: NotebookMeta): Promise<void>;
  readVersion(id: string, version: number): Promise<string | null>;
  writeVersion(id: string, version: number, text: string): Promise<void>;
  removeVersion(id: string, version: number): Promise<void>;
  removeVersions(id: string): Promise<void>;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  await writeFile(temp, text);
  await rename(temp, file);
}

const orNull = (error: NodeJS.ErrnoException): null => {
  if (error.code === 'ENOENT') return null;
  throw error;
};

/** Ids are checked by the caller (NOTEBOOK_ID) before they reach a path. */
export function createNotebookMetaFiles(dir: string): NotebookMetaFiles {
  const metaDir = path.join(dir, '.meta');
  const metaFile = (id: string) => path.join(metaDir, `${id}.json`);
  const versionDir = (id: string) => path.join(metaDir, 'versions', id);
  const versionFile = (id: string, version: number) => path.join(versionDir(id), `${version}.sql`);
  return {
    async read(id) {
      const text = await readFile(metaFile(id), 'utf8').catch(orNull);
      if (text === null) return null;
      try {
        return metaSchema.parse(JSON.parse(text));
      } catch (error) {
        throw new Error(`The metadata of notebook '${id}' (${metaFile(id)}) is damaged`, { cause: error });
      }
    },
    write: (id, meta) => writeAtomically(metaFile(id), `${JSON.stringify(meta, null, 2)}\n`),
    readVersion: (id, version) => readFile(versionFile(id, version), 'utf8').catch(orNull),
    writeVersion: (id, version, text) => writeAtomically(versionFile(id, version), text),
    removeVersion: (id, version) => rm(versionFile(id, version), { force: true }),
    removeVersions: (id) => rm(versionDir(id), { recursive: true, force: true }),
  };
}
