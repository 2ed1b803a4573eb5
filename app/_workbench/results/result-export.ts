'use client';
// Exports from the browser: CSV (RFC 4180), Arrow IPC (apache-arrow 13), Excel (.xlsx with typed cells) and
// Parquet (written by DuckDB-WASM).

import { DataType, tableToIPC, type Field, type Table } from 'apache-arrow';
import { columnKind, writeXlsx } from '@/server/notebooks/xlsx';
import { describeColumns, formatValue, readColumn } from './result-data';

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: Table): string {
  const fields = table.schema.fields as Field[];
  const columns = fields.map((_, index) => readColumn(table, index));
  const lines = [fields.map((field) => csvCell(field.name)).join(',')];
  for (let row = 0; row < table.numRows; row += 1) {
    lines.push(fields.map((field, index) => csvCell(formatValue(columns[index]?.[row], field))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Exact text of an Arrow decimal (128-bit words), so the writer can tell whether Excel would keep it. */
function decimalText(value: unknown, scale: number): string | null {
  if (value === null || value === undefined) return null;
  if (!(value instanceof Uint32Array)) return String(value);
  let big = 0n;
  for (let i = value.length - 1; i >= 0; i -= 1) big = (big << 32n) + BigInt(value[i] as number);
  const bits = BigInt(value.length * 32);
  if (big >> (bits - 1n)) big -= 1n << bits;
  const sign = big < 0n ? '-' : '';
  const digits = (big < 0n ? -big : big).toString().padStart(scale + 1, '0');
  return scale ? `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}` : `${sign}${digits}`;
}

/** One sheet with the result's columns: numbers, dates and timestamps, booleans typed; the rest as the grid shows it. */
export function toXlsx(table: Table, sheetName: string): Uint8Array {
  const fields = table.schema.fields as Field[];
  const columns = describeColumns(table).map(({ name, type }) => ({ name, type }));
  const values = fields.map((field, index) => {
    const column = readColumn(table, index);
    if (DataType.isDecimal(field.type)) {
      const scale = field.type.scale;
      return column.map((v) => decimalText(v, scale));
    }
    if (columnKind(columns[index]?.type ?? '') === 'text')
      return column.map((v) => (v === null || v === undefined ? null : formatValue(v, field)));
    return column;
  });
  const rows = Array.from({ length: table.numRows }, (_, row) => values.map((column) => column[row]));
  return writeXlsx([{ name: sheetName, columns, rows }]);
}

export function toArrowIpc(table: Table): Uint8Array {
  return tableToIPC(table, 'file');
}

export function downloadBytes(bytes: Uint8Array | string, fileName: string, type: string): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
