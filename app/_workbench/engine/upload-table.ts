'use client';
// An uploaded file as an Arrow table for the browser engine: CSV and Parquet are read by DuckDB-WASM itself
// (BrowserEngine.readFile); an Excel workbook's first sheet is read by our xlsx reader and typed per column.

import {
  Bool,
  DateDay,
  Float64,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  Utf8,
  type Vector,
} from 'apache-arrow';
import { readXlsx, type XlsxSheet, type XlsxValue } from '@/server/notebooks/xlsx';
import type { NotebookFileFormat } from '@/server/notebooks/notebook-file-names';
import type { BrowserEngine } from './browser-engine';

const MS_PER_DAY = 86_400_000;

/** Validity bitmap (bit set = value present) and null count of a column. */
function validity(values: XlsxValue[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((value, i) => {
    if (value === null) nullCount += 1;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

// Arrow's builders (vectorFromArray) compile a function with `new Function`, which the page's CSP forbids
// (no 'unsafe-eval'): the columns are laid out here as Arrow buffers directly.
function column(values: XlsxValue[], type: string): Vector {
  const length = values.length;
  const valid = validity(values);
  const numbers = <T extends ArrayLike<unknown>>(
    make: (n: number) => T,
    fill: (out: T, i: number, v: XlsxValue) => void,
  ) => {
    const out = make(length);
    values.forEach((v, i) => {
      if (v !== null) fill(out, i, v);
    });
    return out;
  };
  switch (type) {
    case 'BIGINT':
      return makeVector(
        makeData({
          type: new Int64(),
          length,
          ...valid,
          data: numbers(
            (n) => new BigInt64Array(n),
            (o, i, v) => (o[i] = BigInt(v as number)),
          ),
        }),
      );
    case 'DOUBLE':
      return makeVector(
        makeData({
          type: new Float64(),
          length,
          ...valid,
          data: numbers(
            (n) => new Float64Array(n),
            (o, i, v) => (o[i] = v as number),
          ),
        }),
      );
    case 'DATE':
      return makeVector(
        makeData({
          type: new DateDay(),
          length,
          ...valid,
          data: numbers(
            (n) => new Int32Array(n),
            (o, i, v) => (o[i] = Math.floor((v as Date).getTime() / MS_PER_DAY)),
          ),
        }),
      );
    case 'TIMESTAMP': {
      const data = numbers(
        (n) => new BigInt64Array(n),
        (o, i, v) => (o[i] = BigInt((v as Date).getTime())),
      );
      return makeVector(
        makeData({ type: new TimestampMillisecond(), length, ...valid, data: new Int32Array(data.buffer) }),
      );
    }
    case 'BOOLEAN': {
      const data = new Uint8Array(Math.ceil(length / 8));
      values.forEach((v, i) => {
        if (v === true) data[i >> 3]! |= 1 << (i & 7);
      });
      return makeVector(makeData({ type: new Bool(), length, ...valid, data }));
    }
    default: {
      const encoder = new TextEncoder();
      const encoded = values.map((v) => (v === null ? new Uint8Array(0) : encoder.encode(String(v))));
      const valueOffsets = new Int32Array(length + 1);
      encoded.forEach((bytes, i) => (valueOffsets[i + 1] = (valueOffsets[i] as number) + bytes.byteLength));
      const data = new Uint8Array(valueOffsets[length] as number);
      encoded.forEach((bytes, i) => data.set(bytes, valueOffsets[i] as number));
      return makeVector(makeData({ type: new Utf8(), length, ...valid, valueOffsets, data }));
    }
  }
}

/** The sheet as a table with one typed column per sheet column (readXlsx already made mixed columns text). */
export function sheetToArrow(sheet: XlsxSheet): Table {
  const columns: Record<string, Vector> = {};
  sheet.columns.forEach((spec, index) => {
    columns[spec.name] = column(
      sheet.rows.map((row) => row[index] ?? null),
      spec.type,
    );
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
