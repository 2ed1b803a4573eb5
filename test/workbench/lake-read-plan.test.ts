// The lake worker's read-ahead plan (app/_workbench/engine/lake-read-plan.ts) on the layout of the workbench
// benchmark's table (five columns per row group, the query reading the middle three), with the reads
// DuckDB-WASM 1.28 made for it (recorded from the worker): what they show, and what is fetched ahead.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aheadRanges,
  chunkAt,
  chunksUsable,
  PAGE_BYTES,
  readShows,
  windowEnd,
} from '../../app/_workbench/engine/lake-read-plan';
import type { ColumnChunkRange } from '../../app/_workbench/engine/parquet-chunks';

// Row group 0 and 1 of the benchmark's file (parquet_metadata), then two more of the same sizes.
const SIZES = [492565, 3868, 2327, 616372, 743189];
function layout(rowGroups: number): ColumnChunkRange[] {
  const chunks: ColumnChunkRange[] = [];
  let at = 4;
  for (let rowGroup = 0; rowGroup < rowGroups; rowGroup += 1) {
    SIZES.forEach((size, column) => {
      chunks.push({ rowGroup, column, start: at, end: at + size });
      at += size;
    });
  }
  return chunks;
}
const chunks = layout(4);

test('chunkAt finds the chunk holding a byte; gaps and the footer have none', () => {
  assert.deepEqual(chunkAt(chunks, 492569), { rowGroup: 0, column: 1, start: 492569, end: 496437 });
  assert.equal(chunkAt(chunks, 0), null);
  assert.equal(chunkAt(chunks, chunks.at(-1)!.end), null);
  assert.equal(chunksUsable(chunks, chunks.at(-1)!.end), true);
  assert.equal(chunksUsable(chunks, chunks.at(-1)!.end - 1), false, 'a chunk past the data');
  const overlapping = [chunks[0]!, { ...chunks[1]!, start: chunks[0]!.end - 1 }];
  assert.equal(chunksUsable(overlapping, 10_000_000), false);
  assert.equal(chunksUsable([], 10), false);
});

test('what DuckDB-WASM reads show: small chunks held whole by a page, the chunk a longer read starts in', () => {
  // Its reads of row group 0: a page aligned down into the id column, then 64 KB, 256 KB, 1 MB windows.
  assert.deepEqual(
    readShows(chunks, 491520, 507903).chunks.map((c) => c.column),
    [1, 2],
    'the first page holds district and status whole; it starts in id, which says nothing',
  );
  assert.deepEqual(
    readShows(chunks, 507904, 573439).chunks.map((c) => c.column),
    [3],
  );
  assert.deepEqual(
    readShows(chunks, 835584, 1884159).chunks.map((c) => c.column),
    [3, 4],
    'the 1 MB window starts in amount and holds issued_at whole',
  );
});

test('windows grow from a page by 4 times until they cover the end', () => {
  assert.equal(windowEnd(491520, 491520 + 100), 491520 + PAGE_BYTES - 1);
  // 16 KB + 64 KB + 256 KB + 1 MB from the page where row group 0's district starts: as DuckDB-WASM read it.
  assert.equal(windowEnd(491520, 1858324), 1884159);
  assert.equal(windowEnd(2342912, 3715909), 3735551);
});

test('the bytes fetched ahead are the windows DuckDB-WASM will read in the next row groups', () => {
  const columns = new Set([1, 2, 3, 4]);
  const ahead = aheadRanges(chunks, columns, 0, 2);
  assert.equal(ahead.length, 2, 'one range per row group');
  const rowGroup1 = chunks.filter((c) => c.rowGroup === 1);
  const first = rowGroup1[1]!.start;
  const pageStart = first - (first % PAGE_BYTES);
  assert.deepEqual(ahead[0], [pageStart, windowEnd(pageStart, rowGroup1[4]!.end - 1)]);
  // Nothing of the row group already read, nothing past `count` row groups.
  assert.ok(ahead.every(([start]) => start >= chunks.find((c) => c.rowGroup === 1)!.start));
  assert.ok(ahead.every(([, end]) => end < chunks.find((c) => c.rowGroup === 3)!.end));
});

test('a query reading one column far from its neighbours fetches ahead only around it', () => {
  const ahead = aheadRanges(chunks, new Set([3]), 1, 1);
  const amount = chunks.find((c) => c.rowGroup === 2 && c.column === 3)!;
  assert.equal(ahead.length, 1);
  const [start, end] = ahead[0]!;
  assert.ok(start <= amount.start && amount.start - start < PAGE_BYTES, 'from the page boundary before it');
  assert.ok(end >= amount.end - 1);
  const id = chunks.find((c) => c.rowGroup === 2 && c.column === 0)!;
  assert.ok(start > id.start, 'not the id column before it');
  assert.deepEqual(aheadRanges(chunks, new Set(), 0, 3), [], 'no column known: nothing ahead');
});
