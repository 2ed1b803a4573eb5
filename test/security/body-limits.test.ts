// Request bodies are counted while they are read: past a route's limit the read stops with 413 and the upload is
// cancelled, whatever Content-Length said (or did not say). Also the query byte cap's trailer, read by the client.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { splitResultCut } from '../../app/_workbench/engine/result-cut';
import { errorResponse, readJsonBody } from '../../server/api/handle-route';
import { readQueryBody } from '../../server/api/workbench/query-upload';
import { createQueryAdmission } from '../../server/api/workbench/query-admission';
import { END_OF_STREAM } from '../../server/api/workbench/arrow-batches';
import { resultCutTrailer } from '../../server/api/workbench/run-server-query';

/** A body of `chunks` chunks of 16 KB that records how many were pulled and whether it was cancelled. */
function endlessBody(chunks = 10_000) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled >= chunks) return controller.close();
        state.pulled += 1;
        controller.enqueue(new Uint8Array(16 * 1024).fill(32));
      },
      cancel() {
        state.cancelled = true;
      },
      // Nothing is pulled ahead: every pull is a read by the code under test.
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

const post = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
  new Request('http://x/api/notebooks', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

test('a JSON body past the limit fails with 413 after reading just past the limit, and is cancelled', async () => {
  const { stream, state } = endlessBody();
  await assert.rejects(readJsonBody(post(stream), 64 * 1024), (error: Error) => {
    const response = errorResponse(error, () => assert.fail('not an unexpected error'));
    assert.equal(response.status, 413);
    assert.match(error.message, /larger than this route accepts \(64 KB\)/);
    return true;
  });
  // 64 KB is four 16 KB chunks: the fifth passes the limit; the other 9,995 are never read.
  assert.equal(state.pulled, 5);
  assert.ok(state.cancelled, 'the rest of the upload is cancelled');
});

test('a declared Content-Length past the limit is refused before any byte is read', async () => {
  const { stream, state } = endlessBody();
  const request = post(stream, { 'content-length': String(10 * 1024 * 1024) });
  await assert.rejects(readJsonBody(request, 1024), { code: 'PAYLOAD_TOO_LARGE' });
  assert.equal(state.pulled, 0);
});

test('bodies within the limit parse as before', async () => {
  assert.deepEqual(await readJsonBody(post('{"title":"a"}'), 1024), { title: 'a' });
  assert.deepEqual(await readJsonBody(post(''), 1024), {});
  await assert.rejects(readJsonBody(post('{nope'), 1024), { code: 'INVALID_INPUT' });
});

test('a multipart query upload past QUERY_MAX_UPLOAD_BYTES stops while streaming, with 413', async () => {
  const { stream, state } = endlessBody();
  const request = post(stream, { 'content-type': 'multipart/form-data; boundary=x' });
  await assert.rejects(readQueryBody(request, 256 * 1024), (error: Error & { status?: number }) => {
    assert.equal(error.status, 413);
    assert.match(error.message, /larger than 256 KB together/);
    return true;
  });
  assert.ok(state.pulled <= 17 + 2, `read ${state.pulled} chunks of 16 KB for a 256 KB limit`);
});

test('the result cut trailer round-trips and Arrow readers stop before it', () => {
  const table = tableFromIPC(new Uint8Array(END_OF_STREAM));
  assert.equal(table.numRows, 0);
  const arrow = new Uint8Array([1, 2, 3, ...END_OF_STREAM]);
  const bytes = new Uint8Array([...arrow, ...resultCutTrailer({ cut: 'bytes', limitBytes: 4096 })]);
  const split = splitResultCut(bytes);
  assert.deepEqual(split.cut, { cut: 'bytes', limitBytes: 4096 });
  assert.deepEqual([...split.arrow], [...arrow]);
  assert.equal(splitResultCut(arrow).cut, null);
});

test('admission: per-user and total bounds, with Retry-After, and slots come back once', () => {
  const admission = createQueryAdmission({ perUser: 2, total: 3, retryAfterSeconds: 7 });
  const a1 = admission.admit('ana');
  admission.admit('ana');
  assert.throws(
    () => admission.admit('ana'),
    (error: Error & { status?: number }) => {
      const response = errorResponse(error, () => undefined);
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '7');
      assert.match(error.message, /You already have 2 server queries running/);
      return true;
    },
  );
  const b1 = admission.admit('bea');
  assert.throws(() => admission.admit('bea'), /already running 3 queries, the most it runs at once/);
  a1();
  a1();
  assert.deepEqual(admission.running(), { total: 2, byUser: { ana: 1, bea: 1 } });
  b1();
  admission.admit('bea');
  assert.equal(admission.running().total, 2);
});
