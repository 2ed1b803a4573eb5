// Deletion vectors with storageType 'p' (an absolute, percent-encoded URI): resolved on the lake's storage, read
// when inside the lake (here in a folder named `folder&with%special char`), refused with the URI named otherwise.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildDeletionVectorChunk } from '../../pipelines/delta/deletion-vectors';
import { isDeltaError } from '../../pipelines/delta/errors';
import { resolveLakeUri } from '../../pipelines/delta/lake-uri';
import { encodeRoaringBitmapArray } from '../../pipelines/delta/roaring';
import { readSnapshotRows } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { vacuum } from '../../pipelines/delta/write/vacuum';
import {
  field,
  metaData,
  openHandMadeLake,
  protocol,
  writeCommit,
  writeDataFile,
  type HandMadeLake,
} from './hand-made-table';

test('absolute URIs resolve to lake paths only inside the lake root', () => {
  const root = 'file:///srv/my%20lake';
  assert.equal(
    resolveLakeUri(root, 'file:///srv/my%20lake/dvs/folder%26with%25special%20char/dv.bin'),
    'dvs/folder&with%special char/dv.bin',
  );
  // Hadoop's file:/ form, localhost, and a bare absolute path on the same file system.
  assert.equal(resolveLakeUri(root, 'file:/srv/my%20lake/a/b.bin'), 'a/b.bin');
  assert.equal(resolveLakeUri(root, 'file://localhost/srv/my%20lake/a.bin'), 'a.bin');
  assert.equal(resolveLakeUri(root, '/srv/my%20lake/a.bin'), 'a.bin');
  // Spark's hdfs:// URI of a lake reached through WebHDFS: same name node, other port.
  assert.equal(
    resolveLakeUri('webhdfs://namenode:9870/lake', 'hdfs://namenode:8020/lake/t/dv.bin'),
    't/dv.bin',
  );
  const outside = [
    'file:///srv/other/dv.bin',
    'file:///srv/my%20lake',
    'file:///srv/my%20lakeside/dv.bin',
    'file:///srv/my%20lake/../etc/passwd',
    'file:///srv/my%20lake/a/%2E%2E/%2E%2E/etc/passwd',
    'file:///srv/my%20lake/a%2F..%2F..%2Fetc/passwd',
    'file://otherhost/srv/my%20lake/a.bin',
    'hdfs://namenode/srv/my%20lake/a.bin',
    '//otherhost/srv/my%20lake/a.bin',
    'dv.bin',
  ];
  for (const uri of outside) {
    assert.throws(
      () => resolveLakeUri(root, uri),
      (error: unknown) => isDeltaError(error, 'PATH_OUTSIDE_LAKE') && error.message.includes(uri),
      uri,
    );
  }
  assert.throws(
    () => resolveLakeUri('webhdfs://namenode:9870/lake', 'hdfs://elsewhere:8020/lake/t/dv.bin'),
    (error: unknown) => isDeltaError(error, 'PATH_OUTSIDE_LAKE'),
  );
});

const SPECIAL = 'folder&with%special char';
const DELETED = [1, 3];
let lake: HandMadeLake;
let outsideDir: string;

/** A DV file: format version byte 1, then the chunk (size, bitmap, CRC) at offset 1. */
function buildDvFile(): { bytes: Uint8Array; sizeInBytes: number } {
  const bitmap = encodeRoaringBitmapArray(DELETED);
  const chunk = buildDeletionVectorChunk(bitmap);
  const bytes = new Uint8Array(1 + chunk.byteLength);
  bytes[0] = 1;
  bytes.set(chunk, 1);
  return { bytes, sizeInBytes: bitmap.byteLength };
}

/** A table whose one data file (ids 0..4) carries a 'p' deletion vector at `uri`. */
async function writeTable(table: string, uri: string, sizeInBytes: number): Promise<void> {
  const add = await writeDataFile(lake, table, 'part-0.parquet', 'SELECT range AS id FROM range(5)', {
    deletionVector: {
      storageType: 'p',
      pathOrInlineDv: uri,
      offset: 1,
      sizeInBytes,
      cardinality: DELETED.length,
    },
  });
  await writeCommit(lake, table, 0, [
    protocol(['deletionVectors']),
    metaData([field('id', 'long')], [], { 'delta.enableDeletionVectors': 'true' }),
    add,
  ]);
}

before(async () => {
  lake = await openHandMadeLake();
  outsideDir = await mkdtemp(path.join(tmpdir(), 'dv-outside-lake-'));
  const { bytes, sizeInBytes } = buildDvFile();
  // Inside the lake but outside the tables, in a folder whose name needs percent-encoding.
  const dvLocal = path.join(lake.dir, 'shared dvs', SPECIAL, 'dv.bin');
  await mkdir(path.dirname(dvLocal), { recursive: true });
  await writeFile(dvLocal, bytes);
  // pathToFileURL leaves '&' as it is; a Spark-style URI encodes it too: both name the same file.
  await writeTable('t_file_url', pathToFileURL(dvLocal).href, sizeInBytes);
  const encoded = dvLocal.split('/').map(encodeURIComponent).join('/');
  await writeTable('t_encoded', `file://${encoded}`, sizeInBytes);
  // In the table's own folder, beside an orphan file that vacuum should remove.
  const inTable = path.join(lake.dir, 't_in_table', SPECIAL, 'dv.bin');
  await mkdir(path.dirname(inTable), { recursive: true });
  await writeFile(inTable, bytes);
  await writeFile(path.join(lake.dir, 't_in_table', SPECIAL, 'orphan.bin'), bytes);
  await writeTable('t_in_table', pathToFileURL(inTable).href, sizeInBytes);
  // A real DV file outside the lake, named directly and through a symbolic link inside the lake.
  const outsideFile = path.join(outsideDir, 'dv.bin');
  await writeFile(outsideFile, bytes);
  await writeTable('t_outside', pathToFileURL(outsideFile).href, sizeInBytes);
  await symlink(outsideDir, path.join(lake.dir, 'link-out'));
  await writeTable('t_symlink', pathToFileURL(path.join(lake.dir, 'link-out', 'dv.bin')).href, sizeInBytes);
});

after(async () => {
  await lake.close();
  await rm(outsideDir, { recursive: true, force: true });
});

const readIds = async (table: string): Promise<number[]> => {
  const effects = { storage: lake.storage, duckdb: lake.duckdb };
  const rows = await readSnapshotRows(effects, await loadSnapshot(effects, table));
  return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
};

test("a 'p' deletion vector in a folder with special characters drops its rows", async () => {
  assert.deepEqual(await readIds('t_file_url'), [0, 2, 4]);
  assert.deepEqual(await readIds('t_encoded'), [0, 2, 4]);
});

test("vacuum keeps a 'p' deletion vector inside the table folder", async () => {
  const result = await vacuum({ storage: lake.storage, duckdb: lake.duckdb }, 't_in_table', {
    retentionHours: 0,
    force: true,
  });
  assert.deepEqual(result.files, [`t_in_table/${SPECIAL}/orphan.bin`]);
  assert.deepEqual(await readIds('t_in_table'), [0, 2, 4]);
});

test("a 'p' deletion vector outside the lake is refused, directly or through a symbolic link", async () => {
  const uri = pathToFileURL(path.join(outsideDir, 'dv.bin')).href;
  await assert.rejects(
    readIds('t_outside'),
    (error: unknown) => isDeltaError(error, 'PATH_OUTSIDE_LAKE') && error.message.includes(uri),
  );
  // The storage layer refuses a path that leaves the lake through a link.
  await assert.rejects(
    readIds('t_symlink'),
    (error: unknown) =>
      isDeltaError(error, 'READ_FAILED') &&
      /outside the lake through a symbolic link/.test(String((error as Error).cause)),
  );
});
