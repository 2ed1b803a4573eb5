// Rows → Parquet parts: CSV from a source's fast path is cut into files at row ends only (never inside a quoted
// newline, whatever the chunk boundaries), row batches give the same files, and every value decodes exactly.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ParquetChunkWriter,
  readSessionThreads,
  withConversionThreads,
} from '../../pipelines/cdc/parquet-chunks';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { SourceColumn } from '../../pipelines/sources/source';

let dir: string;
let duckdb: DuckDbSession;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parquet-chunks-'));
  duckdb = await createDuckDbSession();
});
after(async () => {
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
});

const COLUMNS: SourceColumn[] = [
  {
    name: 'id',
    sourceType: 'bigint',
    nullable: false,
    type: { delta: 'long', duckdb: 'BIGINT', decode: 'cast' },
  },
  {
    name: 'note',
    sourceType: 'text',
    nullable: true,
    type: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
  },
  {
    name: 'at',
    sourceType: 'timestamp',
    nullable: true,
    type: { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'utc_timestamp' },
  },
];

const CSV =
  '1,"a ""quoted""\nline",2026-01-01 10:00:00\n2,,\n3,"",2026-01-02 00:00:00.5\n4,"x,y",\n5,plain,\n';
const EXPECTED = [
  { id: '1', note: 'a "quoted"\nline', at: '2026-01-01 10:00:00+00' },
  { id: '2', note: null, at: null },
  { id: '3', note: '', at: '2026-01-02 00:00:00.5+00' },
  { id: '4', note: 'x,y', at: null },
  { id: '5', note: 'plain', at: null },
];

function writer(prefix: string): ParquetChunkWriter {
  return new ParquetChunkWriter({
    storage: new LocalLakeStorage(dir),
    duckdb,
    tempDir: dir,
    lakeDir: `raw/t/${prefix}`,
    prefix: 'part',
    columns: COLUMNS,
    rowsPerFile: 2,
    rangeColumn: COLUMNS[2],
  });
}

async function readBack(files: { path: string }[]): Promise<Record<string, unknown>[]> {
  const list = files.map((file) => toSqlString(path.join(dir, file.path))).join(', ');
  return duckdb.queryJson(`SELECT * FROM read_parquet([${list}]) ORDER BY id`);
}

test('CSV cut at every possible chunk boundary lands the same rows, two per file', async () => {
  const bytes = Buffer.from(CSV);
  for (let cut = 1; cut < bytes.length; cut += 3) {
    const w = writer(`csv-${cut}`);
    await w.writeCsv(bytes.subarray(0, cut));
    await w.writeCsv(bytes.subarray(cut));
    const files = await w.finish();
    assert.deepEqual(
      files.map((file) => file.rows),
      [2, 2, 1],
      `cut at ${cut}`,
    );
    assert.deepEqual(await readBack(files), EXPECTED, `cut at ${cut}`);
    assert.deepEqual(w.range, { min: '2026-01-01T10:00:00.000000Z', max: '2026-01-02T00:00:00.500000Z' });
  }
});

test('row batches give the same files and values', async () => {
  const w = writer('rows');
  await w.writeBatch([
    ['1', 'a "quoted"\nline', '2026-01-01 10:00:00'],
    ['2', null, null],
  ]);
  await w.writeBatch([
    ['3', '', '2026-01-02 00:00:00.5'],
    ['4', 'x,y', null],
    ['5', 'plain', null],
  ]);
  const files = await w.finish();
  assert.deepEqual(
    files.map((file) => file.rows),
    [2, 2, 1],
  );
  assert.deepEqual(await readBack(files), EXPECTED);
});

test('no rows still gives one empty file carrying the schema', async () => {
  const files = await writer('empty').finish();
  assert.equal(files.length, 1);
  assert.equal(files[0]?.rows, 0);
  const described = await duckdb.queryJson(
    `DESCRIBE SELECT * FROM read_parquet(${toSqlString(path.join(dir, files[0]?.path ?? ''))})`,
  );
  assert.deepEqual(
    described.map((row) => [row.column_name, row.column_type]),
    [
      ['id', 'BIGINT'],
      ['note', 'VARCHAR'],
      ['at', 'TIMESTAMP WITH TIME ZONE'],
    ],
  );
});

test('a conversion leaves one core to the source and restores the session threads afterwards', async () => {
  const session = await createDuckDbSession({ threads: availableParallelism() + 1 });
  try {
    const threads = async () =>
      Number((await session.queryJson(`SELECT current_setting('threads')::INTEGER AS n`))[0]?.n);
    const configured = await readSessionThreads(session);
    assert.equal(configured, availableParallelism() + 1);
    const during = await withConversionThreads(session, configured, threads);
    assert.equal(during, Math.max(1, availableParallelism() - 1));
    assert.equal(await threads(), configured);
    await assert.rejects(
      withConversionThreads(session, configured, () => session.run('SELECT no_such_column')),
    );
    assert.equal(await threads(), configured, 'restored after a failed conversion too');
    // A session already on fewer threads is left alone.
    assert.equal(await withConversionThreads(session, 1, async () => 'ran'), 'ran');
    assert.equal(await threads(), configured);
  } finally {
    session.close();
  }
});
