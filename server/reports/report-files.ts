// Files frozen with a published report (issue 15 §1, §4): publishing copies the notebook's saved files (CSV, Excel,
// Parquet) into NOTEBOOKS_DIR/.meta/report-files/<id>/<folder>/, a new folder per publication, filled under a
// temporary name and renamed into place whole. The report record names its folder, so the record switches from one
// complete set to the next in a single atomic write: a viewer reads the old set or the new one, never half of
// either, and later changes to the notebook's files reach viewers only when it is published again.

import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { withKeyedLock } from '../notebooks/keyed-lock';
import { listNotebookFiles, notebookFilesFolder } from '../notebooks/notebook-files';
import { NOTEBOOK_ID } from '../notebooks/notebook-store';
import type { ReportFile } from './report-types';

export interface FrozenFiles {
  /** The publication's folder, or null when the notebook has no saved files. */
  folder: string | null;
  files: ReportFile[];
}

export interface ReportFileStore {
  /** Copies the notebook's saved files into a new folder of report `id`; nothing is copied when it has none. */
  freeze(id: string): Promise<FrozenFiles>;
  /** The bytes of one file of a publication's folder. */
  read(id: string, folder: string, file: ReportFile): Promise<Uint8Array>;
  /** Removes every folder of report `id` but `keep` (all of them, and the report's folder, when `keep` is null). */
  prune(id: string, keep: string | null): Promise<void>;
}

const fileName = (file: ReportFile) => `${file.name}.${file.format}`;

export function createReportFileStore(notebooksDir: string): ReportFileStore {
  const root = (id: string) => {
    // Ids come validated from the routes; checked again because they name a folder.
    if (!NOTEBOOK_ID.test(id)) throw new Error(`'${id}' is not a report id`);
    return path.join(notebooksDir, '.meta', 'report-files', id);
  };
  return {
    async freeze(id) {
      const target = root(id);
      // Under the notebook's files lock: no upload or removal lands halfway through the copy.
      return withKeyedLock(`notebook-files:${id}`, async () => {
        const saved = await listNotebookFiles(notebooksDir, id);
        if (saved.length === 0) return { folder: null, files: [] };
        const folder = randomBytes(8).toString('hex');
        const temp = path.join(target, `.${folder}.tmp`);
        await mkdir(temp, { recursive: true });
        try {
          const files: ReportFile[] = [];
          for (const { name, format } of saved) {
            const copy = path.join(temp, fileName({ name, format, size: 0 }));
            await copyFile(path.join(notebookFilesFolder(notebooksDir, id), `${name}.${format}`), copy);
            files.push({ name, format, size: (await stat(copy)).size });
          }
          await rename(temp, path.join(target, folder));
          return { folder, files };
        } catch (error) {
          await rm(temp, { recursive: true, force: true });
          throw error;
        }
      });
    },
    async read(id, folder, file) {
      return new Uint8Array(await readFile(path.join(root(id), folder, fileName(file))));
    },
    async prune(id, keep) {
      const target = root(id);
      if (keep === null) {
        await rm(target, { recursive: true, force: true });
        return;
      }
      const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      await Promise.all(
        entries
          .filter((entry) => entry !== keep)
          .map((entry) => rm(path.join(target, entry), { recursive: true, force: true })),
      );
    },
  };
}
