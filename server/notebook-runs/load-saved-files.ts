// The files saved with a notebook (notebook-files.ts) as temp tables of a run's session, so a scheduled or manual
// run reads them by name as the notebook page does (app/_workbench/notebook/upload-table.tsx loads every saved file
// when the notebook opens). Read as the browser reads them, so both paths give the same column types: CSV through
// read_csv_auto with header = true and Parquet through read_parquet (browser-engine.ts readFile), an Excel
// workbook's first sheet through readXlsx with the types the browser's Arrow columns carry (upload-table.ts
// sheetToArrow: BIGINT, DOUBLE, DATE, TIMESTAMP_MS, BOOLEAN, VARCHAR). Loaded before the session is locked, so the
// saved files never need to be on its allow-list.

import { readFile } from 'node:fs/promises';
import { dateValue, timestampMillisValue } from '@duckdb/node-api';
import { quoteIdentifier } from '@/pipelines/delta';
import { toSqlString, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import {
  notebookFilePath,
  type NotebookFileFormat,
  type NotebookFileInfo,
} from '../notebooks/notebook-files';
import { readXlsx, type XlsxSheet, type XlsxValue } from '../notebooks/xlsx';

const MS_PER_DAY = 86_400_000;

export interface LoadedFile {
  name: string;
  format: NotebookFileFormat;
  rows: number;
}

/** A saved file that could not be loaded; the message names it. */
export class SavedFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SavedFileError';
  }
}

/** Excel's types as the browser's Arrow columns give them (a millisecond timestamp, as Excel's are). */
const COLUMN_TYPES: Record<string, string> = {
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP_MS',
  BOOLEAN: 'BOOLEAN',
};

/** The sheet's rows through DuckDB's appender: typed values, no SQL text built from cell contents. */
async function createSheetTable(session: DuckDbSession, table: string, sheet: XlsxSheet): Promise<void> {
  const types = sheet.columns.map((column) => COLUMN_TYPES[column.type] ?? 'VARCHAR');
  const columns = sheet.columns.map((column, i) => `${quoteIdentifier(column.name)} ${types[i]}`);
  await session.run(`CREATE TEMP TABLE ${quoteIdentifier(table)} (${columns.join(', ')})`);
  const appender = await session.connection.createAppender(table, 'main', 'temp');
  try {
    for (const row of sheet.rows) {
      types.forEach((type, i) => appendCell(appender, type, row[i] ?? null));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

type Appender = Awaited<ReturnType<DuckDbSession['connection']['createAppender']>>;

function appendCell(appender: Appender, type: string, value: XlsxValue): void {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'BIGINT':
      return appender.appendBigInt(BigInt(value as number));
    case 'DOUBLE':
      return appender.appendDouble(value as number);
    case 'DATE':
      return appender.appendDate(dateValue(Math.floor((value as Date).getTime() / MS_PER_DAY)));
    case 'TIMESTAMP_MS':
      return appender.appendTimestampMilliseconds(timestampMillisValue(BigInt((value as Date).getTime())));
    case 'BOOLEAN':
      return appender.appendBoolean(value as boolean);
    default:
      return appender.appendVarchar(String(value));
  }
}

async function loadOne(
  session: DuckDbSession,
  notebooksDir: string,
  notebookId: string,
  file: NotebookFileInfo,
): Promise<void> {
  const source = notebookFilePath(notebooksDir, notebookId, file);
  const table = quoteIdentifier(file.name);
  if (file.format === 'xlsx') {
    const first = readXlsx(new Uint8Array(await readFile(source)))[0];
    // The browser's words (upload-table.ts readUpload), so the analyst sees one reason on both paths.
    if (!first || first.columns.length === 0)
      throw new Error('The workbook has no sheet with data (its first row names the columns).');
    await createSheetTable(session, file.name, first);
    return;
  }
  const reader =
    file.format === 'csv'
      ? `read_csv_auto(${toSqlString(source)}, header = true)`
      : `read_parquet(${toSqlString(source)})`;
  await session.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM ${reader}`);
}

/**
 * Creates one temp table per saved file, named as the file's table. A file that cannot be read stops the load with
 * a SavedFileError naming it; `beforeEach` lets the run stop between files (its time limit or cancel).
 */
export async function loadSavedFiles(
  session: DuckDbSession,
  notebooksDir: string,
  notebookId: string,
  files: readonly NotebookFileInfo[],
  beforeEach: () => void = () => undefined,
): Promise<LoadedFile[]> {
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    beforeEach();
    try {
      await loadOne(session, notebooksDir, notebookId, file);
      const [{ n }] = (await session.queryJson(
        `SELECT count(*)::BIGINT AS n FROM ${quoteIdentifier(file.name)}`,
      )) as [{ n: unknown }];
      loaded.push({ name: file.name, format: file.format, rows: Number(n) });
    } catch (cause) {
      throw new SavedFileError(
        `The file saved with this notebook as table "${file.name}" (${file.name}.${file.format}) could not be ` +
          `read: ${(cause as Error).message}. Upload it again, or remove it from the notebook.`,
        { cause },
      );
    }
  }
  return loaded;
}
