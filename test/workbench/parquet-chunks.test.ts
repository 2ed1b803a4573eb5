// The lake worker's Parquet footer reader (app/_workbench/engine/parquet-chunks.ts) against native DuckDB's own
// parquet_metadata() of the same files: every column chunk's row group, column, start and size, for files with
// several row groups, dictionary and plain columns, nulls, nested columns and a footer longer than 64 KB.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import {
  footerLength,
  parquetColumnChunks,
  PARQUET_TAIL_BYTES,
} from '../../app/_workbench/engine/parquet-chunks';

let dir: string;
let duckdb: DuckDbSession;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parquet-chunks-'));
  duckdb = await createDuckDbSession();
});

after(async () => {
  duckdb?.close();
  await rm(dir, { recursive: true, force: true });
});

async function expectedChunks(file: string) {
  const rows = await duckdb.queryJson(
    `SELECT row_group_id, column_id, dictionary_page_offset, data_page_offset, total_compressed_size
       FROM parquet_metadata('${file}')`,
  );
  return rows
    .map((row) => {
      const data = Number(row.data_page_offset);
      const dictionary = row.dictionary_page_offset === null ? -1 : Number(row.dictionary_page_offset);
      const start = dictionary > 0 && dictionary < data ? dictionary : data;
      return {
        rowGroup: Number(row.row_group_id),
        column: Number(row.column_id),
        start,
        end: start + Number(row.total_compressed_size),
      };
    })
    .sort((a, b) => a.start - b.start);
}

async function chunksOf(file: string) {
  const bytes = new Uint8Array(await readFile(file));
  const length = footerLength(bytes.subarray(bytes.length - PARQUET_TAIL_BYTES));
  assert.ok(length !== null, 'the file ends with a Parquet tail');
  const footerStart = bytes.length - PARQUET_TAIL_BYTES - length;
  return parquetColumnChunks(bytes.subarray(footerStart, bytes.length - PARQUET_TAIL_BYTES));
}

test('column chunks match parquet_metadata for flat columns over several row groups', async () => {
  const file = path.join(dir, 'flat.parquet');
  await duckdb.run(
    `COPY (SELECT i::BIGINT AS id, 'd' || (i % 7) AS district, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.5 END AS amount,
                  TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND AS at, i % 2 = 0 AS even
             FROM range(300000) t(i)) TO '${file}' (FORMAT PARQUET, ROW_GROUP_SIZE 50000)`,
  );
  const chunks = await chunksOf(file);
  assert.equal(chunks.length, 6 * 5);
  assert.deepEqual(chunks, await expectedChunks(file));
  // Chunks of one file never overlap.
  for (let i = 1; i < chunks.length; i += 1) assert.ok(chunks[i - 1]!.end <= chunks[i]!.start);
});

test('nested columns and a footer past 64 KB are read too', async () => {
  const file = path.join(dir, 'nested.parquet');
  // Many small row groups make a long footer; a struct and a list add leaf columns.
  await duckdb.run(
    `COPY (SELECT i AS id, {'a': i, 'b': 'x' || i} AS pair, [i, i + 1] AS list, repeat('y', 40) AS pad
             FROM range(400000) t(i)) TO '${file}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)`,
  );
  const bytes = await readFile(file);
  const length = footerLength(new Uint8Array(bytes.subarray(bytes.length - PARQUET_TAIL_BYTES)));
  assert.ok(length !== null && length > 64 * 1024, `footer of ${length} bytes`);
  assert.deepEqual(await chunksOf(file), await expectedChunks(file));
});

test('a file that is not Parquet has no footer length; a cut footer throws', () => {
  assert.equal(footerLength(new TextEncoder().encode('not a parquet file')), null);
  assert.throws(() => parquetColumnChunks(new Uint8Array([0x15, 0x02, 0x19])), /ends early/);
});
