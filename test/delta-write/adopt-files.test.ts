// createTable's adoptFiles (adopt-files.ts): finished Parquet files whose columns are the table's become its data
// files as they are (linked, the originals kept), with the stats a written file gets; files that do not fit are
// re-encoded as before; a load that fails places nothing and commits nothing.

import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { toSqlString } from '../../pipelines/engine/duckdb-session';
import { isDeltaError } from '../../pipelines/delta/errors';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { openTestLake, readRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

/** Writes `select` as one Parquet file under raw/ (as an extract does) and returns its local path. */
async function writeRaw(name: string, select: string): Promise<string> {
  const file = path.join(lake.dir, 'raw', `${name}.parquet`);
  await lake.storage.write(`raw/${name}.parquet`, '');
  await lake.duckdb.run(`COPY (${select}) TO ${toSqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
  return file;
}

function readSql(files: string[]): string {
  return `SELECT * FROM read_parquet([${files.map(toSqlString).join(', ')}])`;
}

async function dataFileInodes(root: string): Promise<number[]> {
  const snapshot = await loadSnapshot(lake.effects, root);
  return Promise.all(
    snapshot.files.map(
      async (file) => (await stat(path.join(lake.dir, root, decodeURIComponent(file.path)))).ino,
    ),
  );
}

const ROWS = (from: number, to: number) =>
  `SELECT range::BIGINT AS id, 'name ' || range AS name, CASE WHEN range % 10 = 0 THEN NULL ELSE range * 1.5 END::DECIMAL(9,2) AS amount, ` +
  `TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(range) AS updated_at FROM range(${from}, ${to})`;

test('files whose columns are the table’s become its data files as they are, with their stats', async () => {
  const files = [await writeRaw('a-0', ROWS(0, 100)), await writeRaw('a-1', ROWS(100, 250))];
  const root = 'tables/adopted';
  const result = await createTable(lake.effects, root, { data: readSql(files), adoptFiles: files });
  assert.equal(result.metrics.numFiles, 2);
  assert.equal(result.metrics.numOutputRows, 250);
  // The same inodes: linked, not encoded again; the raw files are still where the extract left them.
  const rawInodes = await Promise.all(files.map(async (file) => (await stat(file)).ino));
  assert.deepEqual((await dataFileInodes(root)).sort(), rawInodes.sort());
  const snapshot = await loadSnapshot(lake.effects, root);
  const stats = snapshot.files
    .map((file) => JSON.parse(file.stats ?? '{}') as Record<string, Record<string, unknown>>)
    .sort((a, b) => Number(a.minValues?.id) - Number(b.minValues?.id));
  assert.deepEqual(
    stats.map((s) => [s.numRecords, s.minValues?.id, s.maxValues?.id, s.nullCount?.amount]),
    [
      [100, 0, 99, 10],
      [150, 100, 249, 15],
    ],
  );
  assert.equal(stats[0]?.minValues?.updated_at, '2026-01-01T00:00:00.000Z');
  const rows = await readRows(lake.effects, root);
  assert.equal(rows.length, 250);
  assert.deepEqual(rows.find((row) => row.id === 11 || row.id === '11')?.name, 'name 11');
});

test('files that do not fit the table are encoded again (types DuckDB alone has, partitions)', async () => {
  const unsigned = await writeRaw('u', 'SELECT range::UINTEGER AS id FROM range(5)');
  await createTable(lake.effects, 'tables/unsigned', { data: readSql([unsigned]), adoptFiles: [unsigned] });
  const [inode] = await dataFileInodes('tables/unsigned');
  assert.notEqual(inode, (await stat(unsigned)).ino);
  const snapshot = await loadSnapshot(lake.effects, 'tables/unsigned');
  assert.equal(snapshot.schema.fields[0]?.type, 'long');

  const byDay = await writeRaw('p', ROWS(0, 20));
  await createTable(lake.effects, 'tables/partitioned', {
    data: readSql([byDay]),
    adoptFiles: [byDay],
    partitionColumns: ['name'],
  });
  const inodes = await dataFileInodes('tables/partitioned');
  assert.equal(inodes.length, 20);
  assert.ok(!inodes.includes((await stat(byDay)).ino));
});

test('a first load that breaks a constraint places no file and commits nothing', async () => {
  const file = await writeRaw('c', ROWS(0, 30));
  const root = 'tables/constrained';
  await assert.rejects(
    createTable(lake.effects, root, {
      data: readSql([file]),
      adoptFiles: [file],
      properties: { 'delta.constraints.small_id': 'id < 10' },
    }),
    (error: unknown) => isDeltaError(error),
  );
  assert.deepEqual(await lake.storage.list(root), []);
  // The raw file is untouched, so a retry can load it.
  assert.ok((await stat(file)).size > 0);
});
