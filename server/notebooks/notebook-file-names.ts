// What a file uploaded into a notebook may be called and be, browser-safe: the upload form and the store
// (notebook-files.ts) share these rules, so the browser refuses what the server would refuse, with the same words.

export const NOTEBOOK_FILE_FORMATS = ['csv', 'xlsx', 'parquet'] as const;
export type NotebookFileFormat = (typeof NOTEBOOK_FILE_FORMATS)[number];

export const MAX_NOTEBOOK_FILE_BYTES = 25 * 1024 * 1024;
export const MAX_NOTEBOOK_FILES_BYTES = 100 * 1024 * 1024;

/** A table name: what SQL calls the file. Lower case, so two names never differ only by case (DuckDB ignores it). */
export const NOTEBOOK_FILE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const NOTEBOOK_FILE_NAME_RULE =
  'use lower-case letters, digits and _ (not a digit first), at most 63 characters';

/** The format a file name says (by its extension), or null for one we do not read. */
export function formatOfFileName(fileName: string): NotebookFileFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return null;
}

/** A table name proposed from a file name: "Parcel Codes (2026).csv" → parcel_codes_2026. */
export function suggestTableName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]*$/, '');
  let name = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  if (!name) name = 'uploaded';
  if (/^[0-9]/.test(name)) name = `t_${name}`.slice(0, 63);
  return name;
}

export function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/** A file's size for people: bytes, KB or MB. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return formatMegabytes(bytes);
}
