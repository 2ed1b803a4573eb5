'use client';
// Exports from the browser: CSV (RFC 4180), Arrow IPC (apache-arrow 13) and Parquet (written by DuckDB-WASM).

import { tableToIPC, type Field, type Table } from 'apache-arrow';
import { formatValue, readColumn } from './result-data';

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
