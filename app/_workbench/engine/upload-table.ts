'use client';
// An uploaded file as an Arrow table for the browser engine: CSV and Parquet are read by DuckDB-WASM itself
// (BrowserEngine.readFile); an Excel workbook's first sheet is read by our xlsx reader and typed per column.

import {
  Bool,
  DateDay,
  Float64,
  Int64,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { readXlsx, type XlsxSheet } from '@/server/notebooks/xlsx';
import type { NotebookFileFormat } from '@/server/notebooks/notebook-file-names';
import type { BrowserEngine } from './browser-engine';

function arrowType(type: string): DataType {
  switch (type) {
    case 'BIGINT':
      return new Int64();
    case 'DOUBLE':
      return new Float64();
    case 'BOOLEAN':
      return new Bool();
    case 'DATE':
      return new DateDay();
    case 'TIMESTAMP':
      return new TimestampMillisecond();
    default:
      return new Utf8();
  }
}

function columnValues(sheet: XlsxSheet, index: number, type: string): unknown[] {
  return sheet.rows.map((row) => {
    const value = row[index] ?? null;
    if (value === null) return null;
    if (type === 'BIGINT') return BigInt(value as number);
    if (type === 'DATE' || type === 'TIMESTAMP') return (value as Date).getTime();
    return value;
  });
}

/** The sheet as a table with one typed column per sheet column (readXlsx already made mixed columns text). */
export function sheetToArrow(sheet: XlsxSheet): Table {
  const columns: Record<string, Vector> = {};
  sheet.columns.forEach((column, index) => {
    const values = columnValues(sheet, index, column.type);
    columns[column.name] = vectorFromArray(values, arrowType(column.type) as never) as Vector;
  });
  return new Table(columns);
}

export class UploadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UploadError';
  }
}

/** The file's rows as an Arrow table, or an UploadError saying why it cannot be read. */
export async function readUpload(
  engine: BrowserEngine,
  format: NotebookFileFormat,
  bytes: Uint8Array,
): Promise<Table> {
  if (format === 'xlsx') {
    let sheets: XlsxSheet[];
    try {
      sheets = readXlsx(bytes);
    } catch (error) {
      throw new UploadError((error as Error).message, { cause: error });
    }
    const first = sheets[0];
    if (!first || first.columns.length === 0)
      throw new UploadError('The workbook has no sheet with data (its first row names the columns).');
    return sheetToArrow(first);
  }
  try {
    return await engine.readFile(format, bytes);
  } catch (error) {
    throw new UploadError(
      `DuckDB could not read this ${format === 'csv' ? 'CSV' : 'Parquet'} file: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
