// Encoding of rows in PostgreSQL's COPY text format: tab-separated columns, \N for NULL, and backslash escapes
// for the characters that would otherwise end a column or a row (long text has tabs and line breaks).

export type CopyValue = string | number | boolean | null;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value as COPY text. */
export function encodeCopyValue(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c) : value;
}

/** One row as a COPY text line, newline included. */
export function encodeCopyRow(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    line += encodeCopyValue(values[i] ?? null);
  }
  return line + '\n';
}

/**
 * Group rows into chunks of roughly chunkBytes characters. Used with Readable.from, which pulls one chunk at a
 * time, so generation waits whenever PostgreSQL is slower: memory stays bounded at any table size.
 */
export function* chunkCopyRows(
  rows: Iterable<readonly CopyValue[]>,
  chunkBytes = 256 * 1024,
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += encodeCopyRow(row);
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
