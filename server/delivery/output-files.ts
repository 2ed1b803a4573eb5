// A notebook run's outputs as files people open: its stored Parquet read with native DuckDB, written as CSV
// (RFC 4180, like the workbench's export) or Excel (the files part's writeXlsx). Rows are streamed and the writing stops as soon as the file
// would pass the size it may take, so an output of millions of rows never sits in memory just to be refused:
// it is sent as a link instead.

import path from 'node:path';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import type { NotebookRunManifest, NotebookRunOutput } from '../notebook-runs/types';
import { NOTEBOOK_ID } from '../notebooks/notebook-store';
import { writeXlsx, XLSX_MIME_TYPE } from '../notebooks/xlsx';

export type FileFormat = 'csv' | 'xlsx';

export const CONTENT_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: XLSX_MIME_TYPE,
};

/** Excel's last row is 1,048,576; one goes to the header. */
export const XLSX_MAX_ROWS = 1_048_575;

export class OutputFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutputFileError';
  }
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const OUTPUT_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\.parquet$/;

/** NOTEBOOKS_DIR/.meta/runs/<notebookId>/<runId>, after checking both ids can only name a folder there. */
export function runFolder(notebooksDir: string, manifest: Pick<NotebookRunManifest, 'notebookId' | 'runId'>) {
  if (!NOTEBOOK_ID.test(manifest.notebookId))
    throw new OutputFileError(`not a notebook id: ${JSON.stringify(manifest.notebookId)}`);
  if (!RUN_ID.test(manifest.runId))
    throw new OutputFileError(`not a run id: ${JSON.stringify(manifest.runId)}`);
  return path.join(notebooksDir, '.meta', 'runs', manifest.notebookId, manifest.runId);
}

/** The output's Parquet file, confined to the run's folder (the manifest names a file, never a path). */
export function outputParquetPath(runDir: string, output: Pick<NotebookRunOutput, 'file'>): string {
  if (!OUTPUT_FILE.test(output.file) || output.file.includes('..'))
    throw new OutputFileError(`not an output file name: ${JSON.stringify(output.file)}`);
  return path.join(runDir, output.file);
}

export const fileNameOf = (output: Pick<NotebookRunOutput, 'name'>, format: FileFormat) =>
  `${output.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.${format}`;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Parquet → CSV bytes, or null when they would be more than `maxBytes`. */
export async function parquetToCsv(
  session: DuckDbSession,
  file: string,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array | null> {
  const source = `SELECT * FROM read_parquet(${toSqlString(file)})`;
  const { columns } = await session.query(`${source} LIMIT 0`);
  const chunks: string[] = [`${columns.map((c) => csvCell(c.name)).join(',')}\r\n`];
  let bytes = Buffer.byteLength(chunks[0]!);
  for await (const row of session.streamJson(source)) {
    const line = `${columns.map((c) => csvCell(row[c.name])).join(',')}\r\n`;
    bytes += Buffer.byteLength(line);
    if (bytes > maxBytes) return null;
    chunks.push(line);
  }
  return new Uint8Array(Buffer.from(chunks.join(''), 'utf8'));
}

// An .xlsx is zipped XML, so its size is known only once written; rows are collected while their text stays within
// this multiple of the cap (sheet XML zips several times smaller), which bounds the memory an oversized output takes.
const XLSX_TEXT_PER_BYTE = 8;

/**
 * Parquet → .xlsx bytes (one sheet named after the output, cells typed by the column's DuckDB type: numbers,
 * dates, timestamps, booleans, text), or null when over `maxBytes` or Excel's row limit.
 */
export async function parquetToXlsx(
  session: DuckDbSession,
  file: string,
  sheetName: string,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array | null> {
  const source = `SELECT * FROM read_parquet(${toSqlString(file)})`;
  const { columns } = await session.query(`${source} LIMIT 0`);
  const rows: unknown[][] = [];
  let text = 0;
  for await (const row of session.streamJson(source)) {
    const values = columns.map((c) => row[c.name]);
    text += JSON.stringify(values).length;
    if (text > maxBytes * XLSX_TEXT_PER_BYTE || rows.length >= XLSX_MAX_ROWS) return null;
    rows.push(values);
  }
  const bytes = writeXlsx([
    { name: sheetName, columns: columns.map((c) => ({ name: c.name, type: c.type.toString() })), rows },
  ]);
  return bytes.byteLength > maxBytes ? null : bytes;
}

/** Opens the DuckDB session the conversions share: small, since they only scan one Parquet file at a time. */
export const openConversionSession = () => createDuckDbSession({ threads: 1, memoryLimit: '256MB' });

export type PlannedOutput =
  | { output: NotebookRunOutput; attached: true; filename: string; contentType: string; content: Uint8Array }
  | { output: NotebookRunOutput; attached: false; reason: string };

/**
 * Each output as an attachment while the attachments' total stays within `capBytes`; the others get the reason
 * they are not attached (the message then gives their download link). Outputs are taken in the run's order.
 */
export async function planAttachments(
  runDir: string,
  outputs: NotebookRunOutput[],
  format: FileFormat,
  capBytes: number,
): Promise<PlannedOutput[]> {
  const planned: PlannedOutput[] = [];
  const session = await openConversionSession();
  let used = 0;
  try {
    for (const output of outputs) {
      const left = capBytes - used;
      const over = `over the ${formatBytes(capBytes)} attachment limit`;
      if (format === 'xlsx' && output.rows > XLSX_MAX_ROWS) {
        planned.push({ output, attached: false, reason: `more rows than Excel holds (${XLSX_MAX_ROWS})` });
        continue;
      }
      let content: Uint8Array | null;
      try {
        const file = outputParquetPath(runDir, output);
        content =
          format === 'csv'
            ? await parquetToCsv(session, file, left)
            : await parquetToXlsx(session, file, output.name, left);
      } catch (error) {
        planned.push({ output, attached: false, reason: conversionProblem(error, runDir) });
        continue;
      }
      if (content === null) {
        planned.push({ output, attached: false, reason: over });
        continue;
      }
      used += content.byteLength;
      planned.push({
        output,
        attached: true,
        filename: fileNameOf(output, format),
        contentType: CONTENT_TYPES[format],
        content,
      });
    }
  } finally {
    session.close();
  }
  return planned;
}

/** DuckDB's error in one line and without the server's folders (the reason goes into e-mails). */
function conversionProblem(error: unknown, runDir: string): string {
  const message = ((error as Error)?.message ?? String(error))
    .split('\n')[0]!
    .split(runDir + path.sep)
    .join('');
  if (/No files found that match/.test(message)) return 'its stored file is missing';
  return `could not be converted: ${message.slice(0, 200)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
