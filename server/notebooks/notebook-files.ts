// Files uploaded into a notebook and saved with it (issue 15 §4): CSV, Excel or Parquet, each loaded in the
// browser as a named table. Kept in NOTEBOOKS_DIR/.meta/files/<notebookId>/<table>.<csv|xlsx|parquet>, written
// atomically (temp file, then rename), at most 25 MB a file and 100 MB a notebook. Access is the caller's business
// (the notebook's routes check it; a report-scoped route can serve them with the read functions below).

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { withKeyedLock } from './keyed-lock';
import { NOTEBOOK_ID } from './notebook-store';
import {
  formatMegabytes as megabytes,
  MAX_NOTEBOOK_FILE_BYTES,
  MAX_NOTEBOOK_FILES_BYTES,
  NOTEBOOK_FILE_FORMATS,
  NOTEBOOK_FILE_NAME,
  NOTEBOOK_FILE_NAME_RULE,
  type NotebookFileFormat,
} from './notebook-file-names';

export {
  MAX_NOTEBOOK_FILE_BYTES,
  MAX_NOTEBOOK_FILES_BYTES,
  NOTEBOOK_FILE_FORMATS,
  NOTEBOOK_FILE_NAME,
  type NotebookFileFormat,
};

export const NOTEBOOK_FILE_MIME: Record<NotebookFileFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
};

export interface NotebookFileInfo {
  /** The table name. */
  name: string;
  format: NotebookFileFormat;
  size: number;
  savedAt: number;
}

export type NotebookFileProblem = 'invalid' | 'too_large' | 'not_found';

export class NotebookFileError extends Error {
  readonly problem: NotebookFileProblem;

  constructor(problem: NotebookFileProblem, message: string) {
    super(message);
    this.name = 'NotebookFileError';
    this.problem = problem;
  }
}

/** The folder a notebook's saved files are kept in (a published report copies them from here). */
export function notebookFilesFolder(notebooksDir: string, notebookId: string): string {
  if (!NOTEBOOK_ID.test(notebookId))
    throw new NotebookFileError('invalid', `'${notebookId}' is not a notebook id`);
  return path.join(notebooksDir, '.meta', 'files', notebookId);
}

export function checkFileName(name: string): string {
  if (!NOTEBOOK_FILE_NAME.test(name))
    throw new NotebookFileError('invalid', `'${name}' cannot name a table: ${NOTEBOOK_FILE_NAME_RULE}`);
  return name;
}

function parseEntry(entry: string): { name: string; format: NotebookFileFormat } | null {
  const match = /^([a-z_][a-z0-9_]{0,62})\.(csv|xlsx|parquet)$/.exec(entry);
  return match ? { name: match[1] as string, format: match[2] as NotebookFileFormat } : null;
}

/** The saved files of a notebook, by name. */
export async function listNotebookFiles(
  notebooksDir: string,
  notebookId: string,
): Promise<NotebookFileInfo[]> {
  const folder = notebookFilesFolder(notebooksDir, notebookId);
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const parsed = parseEntry(entry);
      if (!parsed) return [];
      const info = await stat(path.join(folder, entry)).catch(() => null);
      return info ? [{ ...parsed, size: info.size, savedAt: info.mtimeMs }] : [];
    }),
  );
  return files.flat().sort((a, b) => a.name.localeCompare(b.name));
}

/** One saved file's bytes and facts; NotebookFileError('not_found') when there is none by that name. */
export async function readNotebookFile(
  notebooksDir: string,
  notebookId: string,
  name: string,
): Promise<{ info: NotebookFileInfo; bytes: Uint8Array }> {
  checkFileName(name);
  const info = (await listNotebookFiles(notebooksDir, notebookId)).find((file) => file.name === name);
  if (!info) throw new NotebookFileError('not_found', `No file '${name}' is saved with this notebook`);
  const bytes = await readFile(
    path.join(notebookFilesFolder(notebooksDir, notebookId), `${name}.${info.format}`),
  );
  return { info: { ...info, size: bytes.byteLength }, bytes: new Uint8Array(bytes) };
}

/** The local path of a saved file, for a reader that opens it itself (a notebook run's DuckDB). */
export function notebookFilePath(
  notebooksDir: string,
  notebookId: string,
  file: { name: string; format: NotebookFileFormat },
): string {
  checkFileName(file.name);
  return path.join(notebookFilesFolder(notebooksDir, notebookId), `${file.name}.${file.format}`);
}

/** Refuses bytes that are not the format they claim, so a broken file fails at upload and not in every reader. */
export function checkFileContent(format: NotebookFileFormat, bytes: Uint8Array): void {
  const bad = (why: string) =>
    new NotebookFileError('invalid', `This is not a ${format.toUpperCase()} file: ${why}`);
  if (bytes.byteLength === 0) throw bad('it is empty');
  if (format === 'parquet') {
    const magic = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
    if (bytes.byteLength < 12 || magic(0) !== 'PAR1' || magic(bytes.byteLength - 4) !== 'PAR1')
      throw bad('Parquet files start and end with PAR1');
    return;
  }
  if (format === 'xlsx') {
    if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
      throw bad('an .xlsx file is a zip archive (an old .xls is not read)');
    const names: string[] = [];
    try {
      // Only the archive's directory is needed: the filter sees every entry and decompresses none.
      unzipSync(bytes, {
        filter: (file) => {
          names.push(file.name);
          return false;
        },
      });
    } catch {
      throw bad('its zip archive is damaged');
    }
    if (!names.includes('[Content_Types].xml') || !names.some((n) => /^xl\/workbook\d*\.xml$/.test(n)))
      throw bad('it has no Excel workbook inside');
    return;
  }
  // CSV: text in UTF-8 (the start is checked; a character cut at the end of the sample is fine), no NUL bytes.
  const sample = bytes.subarray(0, 64 * 1024);
  if (sample.includes(0)) throw bad('it holds binary data');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    throw bad('it is not UTF-8 text (save it from Excel as "CSV UTF-8")');
  }
  if (!/[^\s]/.test(new TextDecoder().decode(sample))) throw bad('it holds no data');
}

/**
 * Saves (or replaces) the file of table `name`. Size limits are checked against the other files of the notebook
 * under the notebook's lock, so two uploads at once cannot pass 100 MB together.
 */
export async function saveNotebookFile(
  notebooksDir: string,
  notebookId: string,
  input: { name: string; format: NotebookFileFormat; bytes: Uint8Array },
): Promise<NotebookFileInfo> {
  const name = checkFileName(input.name);
  const folder = notebookFilesFolder(notebooksDir, notebookId);
  if (input.bytes.byteLength > MAX_NOTEBOOK_FILE_BYTES)
    throw new NotebookFileError(
      'too_large',
      `The file is ${megabytes(input.bytes.byteLength)}; a file saved with a notebook may be at most ${megabytes(MAX_NOTEBOOK_FILE_BYTES)}. Keep it in the browser only, or upload a smaller extract.`,
    );
  checkFileContent(input.format, input.bytes);
  return withKeyedLock(`notebook-files:${notebookId}`, async () => {
    const others = (await listNotebookFiles(notebooksDir, notebookId)).filter((file) => file.name !== name);
    const used = others.reduce((sum, file) => sum + file.size, 0);
    if (used + input.bytes.byteLength > MAX_NOTEBOOK_FILES_BYTES)
      throw new NotebookFileError(
        'too_large',
        `This notebook's saved files would reach ${megabytes(used + input.bytes.byteLength)}; at most ${megabytes(MAX_NOTEBOOK_FILES_BYTES)} are kept per notebook. Remove a saved file first, or keep this one in the browser only.`,
      );
    await mkdir(folder, { recursive: true });
    const target = path.join(folder, `${name}.${input.format}`);
    const temp = path.join(folder, `.${name}.${randomBytes(8).toString('hex')}.tmp`);
    try {
      await writeFile(temp, input.bytes);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    // The same table saved before in another format is replaced, not kept beside it.
    for (const format of NOTEBOOK_FILE_FORMATS)
      if (format !== input.format) await rm(path.join(folder, `${name}.${format}`), { force: true });
    const info = await stat(target);
    return { name, format: input.format, size: info.size, savedAt: info.mtimeMs };
  });
}

export async function deleteNotebookFile(
  notebooksDir: string,
  notebookId: string,
  name: string,
): Promise<void> {
  checkFileName(name);
  const folder = notebookFilesFolder(notebooksDir, notebookId);
  await withKeyedLock(`notebook-files:${notebookId}`, async () => {
    const found = (await listNotebookFiles(notebooksDir, notebookId)).find((file) => file.name === name);
    if (!found) throw new NotebookFileError('not_found', `No file '${name}' is saved with this notebook`);
    await rm(path.join(folder, `${name}.${found.format}`), { force: true });
  });
}
