// Published reports on disk: NOTEBOOKS_DIR/.meta/reports/<id>.json, one file per report, written atomically
// (temp file, then rename) so a reader never sees half a report. Ids are notebook ids (checked by the caller).

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ROLES } from '../auth/permissions';
import { NOTEBOOK_FILE_FORMATS, NOTEBOOK_FILE_NAME } from '../notebooks/notebook-file-names';
import { reportPinSchema, type Report } from './report-types';

// The frozen notebook was validated by the notebook API when it was saved; here only its outline is checked.
const reportFileSchema = z.object({
  id: z.string(),
  notebook: z.object({
    id: z.string(),
    title: z.string(),
    parameters: z.unknown(),
    cells: z.array(z.object({ id: z.string(), kind: z.string(), source: z.string() }).passthrough()),
  }),
  owner: z.string().nullable(),
  publishedBy: z.string(),
  publishedAt: z.number(),
  notebookVersion: z.number(),
  roles: z.array(z.enum(ROLES)),
  pin: reportPinSchema,
  // Reports published before files were frozen with them have neither field: they read no files.
  files: z
    .array(
      z.object({
        name: z.string().regex(NOTEBOOK_FILE_NAME),
        format: z.enum(NOTEBOOK_FILE_FORMATS),
        size: z.number().int().min(0),
      }),
    )
    .default([]),
  filesFolder: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
});

export interface ReportStore {
  read(id: string): Promise<Report | null>;
  write(report: Report): Promise<void>;
  remove(id: string): Promise<boolean>;
  list(): Promise<Report[]>;
}

export function createReportStore(notebooksDir: string): ReportStore {
  const dir = path.join(notebooksDir, '.meta', 'reports');
  const file = (id: string) => path.join(dir, `${id}.json`);
  const read = async (id: string): Promise<Report | null> => {
    let text: string;
    try {
      text = await readFile(file(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return reportFileSchema.parse(JSON.parse(text)) as Report;
  };
  return {
    read,
    async write(report) {
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `.${report.id}.${randomBytes(8).toString('hex')}.tmp`);
      await writeFile(temp, `${JSON.stringify(report, null, 2)}\n`);
      await rename(temp, file(report.id));
    },
    async remove(id) {
      try {
        await rm(file(id));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const reports = await Promise.all(
        names
          .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
          .map((name) =>
            read(name.slice(0, -'.json'.length)).catch((error: unknown) => {
              // One unreadable file must not hide the other reports; the server log says which.
              console.error(`[reports] cannot read ${name}:`, error);
              return null;
            }),
          ),
      );
      return reports.filter((report): report is Report => report !== null);
    },
  };
}
