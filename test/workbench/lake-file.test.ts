// The lake file command: ranges (206, 416, suffix, open-ended), HEAD, ETag and 304, caching, and confinement to
// the files snapshots expose (data and deletion-vector files of any readable version; 404 for everything else).

import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable, loadSnapshot, overwrite, resolveDeletionVectorLocation } from '../../pipelines/delta';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { getDataFilePath } from '../../server/api/workbench/describe-snapshot';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { serveLakeFile, toLakePath, type LakeFileRequest } from '../../server/api/workbench/lake-file';
import { parseRangeHeader } from '../../server/api/workbench/range-header';
import { createLakeFixture, type LakeFixture } from './lake-fixture';

let fixture: LakeFixture;
let context: LakeContext;
let file: Buffer;
const filePath = 'tables/big_events/part-00000-big.snappy.parquet';

before(async () => {
  fixture = await createLakeFixture({ bigRows: 5_000 });
  context = { storage: openLakeStorage(fixture.root), duckdb: await createDuckDbSession() };
  file = await readFile(path.join(fixture.root, filePath));
});

after(async () => {
  context.duckdb.close();
  await fixture.remove();
});

const request = (overrides: Partial<LakeFileRequest> = {}): LakeFileRequest => ({
  method: 'GET',
  path: filePath,
  range: null,
  ifNoneMatch: null,
  ifRange: null,
  ...overrides,
});

test('parses ranges per RFC 9110', () => {
  assert.deepEqual(parseRangeHeader('bytes=0-9', 100), { kind: 'partial', offset: 0, length: 10 });
  assert.deepEqual(parseRangeHeader('bytes=90-', 100), { kind: 'partial', offset: 90, length: 10 });
  assert.deepEqual(parseRangeHeader('bytes=-5', 100), { kind: 'partial', offset: 95, length: 5 });
  assert.deepEqual(parseRangeHeader('bytes=95-200', 100), { kind: 'partial', offset: 95, length: 5 });
  assert.deepEqual(parseRangeHeader('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=9-2', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('items=0-1', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=0-1,5-6', 100), { kind: 'full' });
  assert.deepEqual(parseRangeHeader(null, 100), { kind: 'full' });
});

test('a whole file: 200, length, ETag, not stored by the HTTP cache', async () => {
  const response = await serveLakeFile(context, request());
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('accept-ranges'), 'bytes');
  assert.equal(response.headers.get('content-length'), String(file.length));
  assert.equal(response.headers.get('cache-control'), 'private, no-store');
  assert.ok(response.headers.get('etag'));
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), file);
});

test('a range: 206 with Content-Range and exactly those bytes', async () => {
  const response = await serveLakeFile(context, request({ range: 'bytes=4-1003' }));
  assert.equal(response.status, 206);
  assert.equal(response.headers.get('content-range'), `bytes 4-1003/${file.length}`);
  assert.equal(response.headers.get('content-length'), '1000');
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), file.subarray(4, 1004));
  const tail = await serveLakeFile(context, request({ range: 'bytes=-8' }));
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), file.subarray(file.length - 8));
});

test('a range past the end: 416 with the size', async () => {
  const response = await serveLakeFile(context, request({ range: `bytes=${file.length}-` }));
  assert.equal(response.status, 416);
  assert.equal(response.headers.get('content-range'), `bytes */${file.length}`);
});

test('HEAD: headers without a body; If-None-Match: 304; stale If-Range: whole file', async () => {
  const head = await serveLakeFile(context, request({ method: 'HEAD' }));
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(file.length));
  assert.equal(head.body, null);
  const etag = head.headers.get('etag') as string;
  const cached = await serveLakeFile(context, request({ ifNoneMatch: etag }));
  assert.equal(cached.status, 304);
  const stale = await serveLakeFile(context, request({ range: 'bytes=0-9', ifRange: '"other"' }));
  assert.equal(stale.status, 200);
  await stale.body?.cancel();
});

test('the log, raw files, stray, hidden and temp files are 404, like a missing file', async () => {
  const table = path.join(fixture.root, 'tables/big_events');
  await writeFile(path.join(table, 'pwned.txt'), 'owned');
  await copyFile(path.join(fixture.root, filePath), path.join(table, 'stray.parquet'));
  await copyFile(path.join(fixture.root, filePath), path.join(table, '.hidden.parquet'));
  await copyFile(path.join(fixture.root, filePath), path.join(table, '.part.0123456789abcdef.tmp'));
  await mkdir(path.join(fixture.root, 'raw/src/t/run-1'), { recursive: true });
  await writeFile(path.join(fixture.root, 'raw/src/t/run-1/_manifest.json'), '{}');
  await copyFile(path.join(fixture.root, filePath), path.join(fixture.root, 'raw/src/t/run-1/part.parquet'));
  for (const refused of [
    'tables/big_events/_delta_log/00000000000000000000.json',
    'tables/dv_partitioned/_delta_log/_last_checkpoint',
    'tables/big_events/pwned.txt',
    'tables/big_events/stray.parquet',
    'tables/big_events/.hidden.parquet',
    'tables/big_events/.part.0123456789abcdef.tmp',
    'raw/src/t/run-1/_manifest.json',
    'raw/src/t/run-1/part.parquet',
    'tables/missing/part-00000-big.snappy.parquet',
    'tables/basic_append/part-00000-big.snappy.parquet',
    'tables/big_events',
    'tables',
  ]) {
    await assert.rejects(serveLakeFile(context, request({ path: refused })), { status: 404 }, refused);
    await assert.rejects(serveLakeFile(context, request({ method: 'HEAD', path: refused })), { status: 404 });
  }
});

test('deletion-vector files and files of every readable version are served', async () => {
  // Every file of every version time travel reaches is served; the DV files Spark left behind unreferenced
  // (this table has some) are not part of any snapshot and are not.
  const latest = await loadSnapshot(context, 'tables/dv_partitioned');
  const referenced = new Set<string>();
  for (let version = 0; version <= latest.version; version += 1) {
    const snapshot = await loadSnapshot(context, 'tables/dv_partitioned', { version });
    for (const file of snapshot.files) {
      referenced.add(getDataFilePath(snapshot, file));
      const dv = file.deletionVector;
      const location = dv && dv.storageType === 'u' ? resolveDeletionVectorLocation(dv) : null;
      if (location?.kind === 'relative') referenced.add(`tables/dv_partitioned/${location.path}`);
    }
  }
  const dvFiles = (await readdir(path.join(fixture.root, 'tables/dv_partitioned')))
    .filter((name) => name.endsWith('.bin'))
    .map((name) => `tables/dv_partitioned/${name}`);
  const orphans = dvFiles.filter((dvFile) => !referenced.has(dvFile));
  assert.ok(orphans.length > 0 && orphans.length < dvFiles.length);
  for (const lakePath of referenced) {
    const response = await serveLakeFile(context, request({ method: 'HEAD', path: lakePath }));
    assert.equal(response.status, 200, lakePath);
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
  }
  for (const orphan of orphans) {
    await assert.rejects(serveLakeFile(context, request({ path: orphan })), { status: 404 }, orphan);
  }
  // An overwrite removes v0's file from the latest snapshot; time travel still reads it, and the new file is
  // served as soon as it is committed, though the table's file list was cached before.
  await createTable(context, 'tables/rewritten', { data: 'SELECT 1::BIGINT AS id' });
  const v0 = await loadSnapshot(context, 'tables/rewritten');
  const v0File = getDataFilePath(v0, v0.files[0] as (typeof v0.files)[number]);
  assert.equal((await serveLakeFile(context, request({ method: 'HEAD', path: v0File }))).status, 200);
  await overwrite(context, 'tables/rewritten', 'SELECT 2::BIGINT AS id');
  const v1 = await loadSnapshot(context, 'tables/rewritten');
  const v1File = getDataFilePath(v1, v1.files[0] as (typeof v1.files)[number]);
  assert.notEqual(v1File, v0File);
  assert.equal((await serveLakeFile(context, request({ method: 'HEAD', path: v1File }))).status, 200);
  assert.equal((await serveLakeFile(context, request({ method: 'HEAD', path: v0File }))).status, 200);
});

test('paths stay inside the lake', async () => {
  for (const segments of [['..', 'etc', 'passwd'], ['tables', '..', '..', 'x'], ['', 'etc'], ['a\\b']]) {
    assert.throws(() => toLakePath(segments), { status: 404 }, segments.join('/'));
  }
});
