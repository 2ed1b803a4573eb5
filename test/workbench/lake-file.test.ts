// The lake file command: ranges (206, 416, suffix, open-ended), HEAD, ETag and 304, caching, and confinement.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
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

test('a whole file: 200, length, ETag, immutable caching', async () => {
  const response = await serveLakeFile(context, request());
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('accept-ranges'), 'bytes');
  assert.equal(response.headers.get('content-length'), String(file.length));
  assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
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

test('log files are readable but revalidated', async () => {
  const response = await serveLakeFile(
    context,
    request({ path: 'tables/big_events/_delta_log/00000000000000000000.json' }),
  );
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-cache, must-revalidate');
  assert.match(await response.text(), /"metaData"/);
});

test('paths stay inside the lake', async () => {
  for (const segments of [['..', 'etc', 'passwd'], ['tables', '..', '..', 'x'], ['', 'etc'], ['a\\b']]) {
    assert.throws(() => toLakePath(segments), { status: 400 }, segments.join('/'));
  }
  await assert.rejects(serveLakeFile(context, request({ path: 'tables/missing.parquet' })), { status: 404 });
  await assert.rejects(serveLakeFile(context, request({ path: 'tables' })), { status: 404 });
});
