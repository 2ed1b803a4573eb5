// What the lake worker (duckdb-worker.ts) learns from DuckDB-WASM's reads of a Parquet file whose column chunks
// it knows (parquet-chunks.ts), to fetch the next row groups' bytes before DuckDB asks for them.
//
// What DuckDB-WASM 1.28 does, measured on the workbench benchmark's table (5 columns, the query reading 3): per
// row group it reads from the 16 KB page where the first column it needs starts, in windows of 16 KB, 64 KB,
// 256 KB, then 1 MB (each 4 times the last), which run past the last column it needs (into the next columns and
// the next row group). It must get every byte it asks for: answered short, it asks again from where the answer
// ended, with a larger window, until it has them all (measured too). So a read is answered exactly as asked, and
// what is worth fetching ahead is, in each following row group, the span of the chunks the query showed it
// reads, from the page boundary before it to the end of the window that covers it. Guessing wrong costs time or
// a few bytes, never a wrong answer: DuckDB still asks for what it needs, and the store fetches what it lacks.
//
// Pure and self-contained (type imports only): server/cli/copy-vendor.ts compiles it into the worker script as
// `self.lakeReadPlan`; the Node tests import it directly.

import type { ColumnChunkRange } from './parquet-chunks';

/** DuckDB-WASM's file buffer page: reads start at a multiple of it. */
export const PAGE_BYTES = 16 * 1024;

/** The chunk holding byte `at`, if any (chunks sorted by start, not overlapping). */
export function chunkAt(chunks: readonly ColumnChunkRange[], at: number): ColumnChunkRange | null {
  let low = 0;
  let high = chunks.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const chunk = chunks[middle]!;
    if (at < chunk.start) high = middle - 1;
    else if (at >= chunk.end) low = middle + 1;
    else return chunk;
  }
  return null;
}

/** True when the chunks are sorted, do not overlap and lie inside [0, dataEnd): only then are they used. */
export function chunksUsable(chunks: readonly ColumnChunkRange[], dataEnd: number): boolean {
  let previousEnd = 0;
  for (const chunk of chunks) {
    if (chunk.start < previousEnd || chunk.end <= chunk.start || chunk.end > dataEnd) return false;
    previousEnd = chunk.end;
  }
  return chunks.length > 0;
}

export interface ReadShows {
  /** Column chunks the read shows the query reads. */
  chunks: ColumnChunkRange[];
}

/**
 * What DuckDB's read of bytes [start, end] shows: the chunks it holds whole, and the chunk it starts in when it is
 * longer than a page (DuckDB-WASM read on into that chunk). A read of one page or less says nothing about the
 * chunk it starts in: DuckDB-WASM aligns it down to a page boundary, often inside the chunk before.
 */
export function readShows(chunks: readonly ColumnChunkRange[], start: number, end: number): ReadShows {
  const first = chunkAt(chunks, start);
  const shown = chunks.filter((c) => c.start >= start && c.end - 1 <= end);
  if (first && end - start + 1 > PAGE_BYTES && !shown.includes(first)) shown.unshift(first);
  return { chunks: shown };
}

/** The last byte DuckDB-WASM's windows (a page, then 4 times the last) reach when they start at `pageStart` and
 * must cover `end`. */
export function windowEnd(pageStart: number, end: number): number {
  let size = PAGE_BYTES;
  let reach = pageStart + size - 1;
  while (reach < end) {
    size *= 4;
    reach += size;
  }
  return reach;
}

/**
 * Ranges worth fetching ahead: in each of the `count` row groups after `rowGroup`, the chunks of the columns the
 * query reads, contiguous ones merged into one range, each widened to what DuckDB-WASM will ask for: from the page
 * boundary before it to the end of the window that covers it.
 */
export function aheadRanges(
  chunks: readonly ColumnChunkRange[],
  columns: ReadonlySet<number>,
  rowGroup: number,
  count: number,
): [number, number][] {
  const ranges: [number, number][] = [];
  let open: { rowGroup: number; start: number; end: number } | null = null;
  for (const chunk of chunks) {
    if (chunk.rowGroup <= rowGroup || chunk.rowGroup > rowGroup + count || !columns.has(chunk.column))
      continue;
    // Runs stay inside a row group: DuckDB-WASM starts its windows afresh at each.
    if (open && open.rowGroup === chunk.rowGroup && open.end + 1 === chunk.start) {
      open.end = chunk.end - 1;
      continue;
    }
    if (open) ranges.push([open.start, open.end]);
    open = { rowGroup: chunk.rowGroup, start: chunk.start, end: chunk.end - 1 };
  }
  if (open) ranges.push([open.start, open.end]);
  return ranges.map(([start, end]) => {
    const pageStart = start - (start % PAGE_BYTES);
    return [pageStart, windowEnd(pageStart, end)];
  });
}
