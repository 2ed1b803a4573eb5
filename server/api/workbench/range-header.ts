// Parsing of one HTTP Range header (RFC 9110 §14). DuckDB-WASM and browsers only ever ask for one range; a
// multi-range request is answered with the whole file, which RFC 9110 allows.

export type RangeRequest =
  { kind: 'full' } | { kind: 'partial'; offset: number; length: number } | { kind: 'unsatisfiable' };

/** Reads a Range header against a file of `size` bytes. */
export function parseRangeHeader(header: string | null, size: number): RangeRequest {
  if (header === null || header.trim() === '') return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) {
    // Several ranges or another unit: serve the whole representation.
    if (/^\s*bytes\s*=.*,/.test(header)) return { kind: 'full' };
    return { kind: 'unsatisfiable' };
  }
  const [, startText = '', endText = ''] = match;
  if (startText === '' && endText === '') return { kind: 'unsatisfiable' };
  if (startText === '') {
    // Suffix range: the last N bytes.
    const suffix = Number(endText);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    const length = Math.min(suffix, size);
    return { kind: 'partial', offset: size - length, length };
  }
  const start = Number(startText);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', offset: start, length: end - start + 1 };
}

/** A strong validator for an immutable lake file from its path, size and modification time. */
export function buildEtag(path: string, size: number, modifiedMs: number): string {
  let hash = 0x811c9dc5;
  for (const char of `${path}\0${size}\0${modifiedMs}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `"${size.toString(16)}-${Math.trunc(modifiedMs).toString(16)}-${hash.toString(16)}"`;
}
