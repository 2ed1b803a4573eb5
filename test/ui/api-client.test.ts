// The browser's one API client (app/_lib/api-client.ts), driven with a fake fetch and a recorded navigation:
// how it maps answers and failures to ApiClientError, and that an ended session (401) goes back to the login
// page with `next` = the current path and query.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClientError, createApiClient, type ApiClientEffects } from '../../app/_lib/api-client';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeClient(answer: (call: Call) => Promise<Response> | Response, here = '/workbench/nb-1?cell=3') {
  const calls: Call[] = [];
  const navigations: string[] = [];
  const effects: ApiClientEffects = {
    fetch: async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return answer(call);
    },
    currentPath: () => here,
    navigate: (url) => navigations.push(url),
  };
  return { client: createApiClient(effects), calls, navigations };
}

const errorBody = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status });

async function rejection(promise: Promise<unknown>): Promise<ApiClientError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApiClientError, `an ApiClientError, got ${String(error)}`);
  return error;
}

describe('browser API client', () => {
  it('401 → ApiClientError UNAUTHENTICATED and a redirect to /login?next=<path and query>', async () => {
    const { client, navigations } = fakeClient(() => errorBody(401, 'UNAUTHENTICATED', 'Log in to continue'));
    const error = await rejection(client.api.get('/api/notebooks'));
    assert.deepEqual(
      { status: error.status, code: error.code, message: error.message },
      { status: 401, code: 'UNAUTHENTICATED', message: 'Log in to continue' },
    );
    assert.deepEqual(navigations, [`/login?next=${encodeURIComponent('/workbench/nb-1?cell=3')}`]);
  });

  it('401 on a streamed call (POST /api/query) redirects the same way', async () => {
    const { client, navigations } = fakeClient(() => errorBody(401, 'UNAUTHENTICATED', 'Log in'), '/sync');
    await rejection(client.apiRequest('/api/query', { method: 'POST', body: { sql: 'select 1' } }));
    assert.deepEqual(navigations, ['/login?next=%2Fsync']);
  });

  it('401 where it is an answer (login, "who am I") throws without leaving the page', async () => {
    const { client, navigations } = fakeClient(() => errorBody(401, 'UNAUTHENTICATED', 'Wrong password'));
    const error = await rejection(
      client.apiFetch('/api/auth/login', { method: 'POST', body: {}, redirectOn401: false }),
    );
    assert.equal(error.message, 'Wrong password');
    assert.deepEqual(navigations, []);
  });

  it('401 while already on the login page does not redirect again', async () => {
    const { client, navigations } = fakeClient(
      () => errorBody(401, 'UNAUTHENTICATED', 'x'),
      '/login?next=%2F',
    );
    await rejection(client.api.get('/api/runs'));
    assert.deepEqual(navigations, []);
  });

  it('a network failure → ApiClientError NETWORK (status 0) with a message a person can act on', async () => {
    const { client, navigations } = fakeClient(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await rejection(client.api.post('/api/schedules', { name: 'x' }));
    assert.equal(error.status, 0);
    assert.equal(error.code, 'NETWORK');
    assert.match(error.message, /Cannot reach the server/);
    assert.deepEqual(navigations, []);
  });

  it('a cancelled request rethrows the AbortError itself, not an ApiClientError', async () => {
    const { client } = fakeClient(() => Promise.reject(new DOMException('aborted', 'AbortError')));
    const error = await client.api.get('/api/runs').catch((e: unknown) => e);
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, 'AbortError');
  });

  it('a JSON error body → its code and message, with the status', async () => {
    const { client, navigations } = fakeClient(() => errorBody(409, 'CONFLICT', 'orders changed; reload'));
    const error = await rejection(client.api.patch('/api/schedules/a', { paused: true }));
    assert.deepEqual(
      { status: error.status, code: error.code, message: error.message },
      { status: 409, code: 'CONFLICT', message: 'orders changed; reload' },
    );
    assert.deepEqual(navigations, []);
  });

  it('a non-JSON error body (a proxy page) → HTTP_<status> with the status text', async () => {
    const { client } = fakeClient(
      () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await rejection(client.api.get('/api/runs'));
    assert.equal(error.code, 'HTTP_502');
    assert.equal(error.message, 'The server answered 502 Bad Gateway');
  });

  it('sends same-origin, uncached requests with the CSRF header, JSON bodies, forms and keepalive', async () => {
    const { client, calls } = fakeClient(({ url }) =>
      url === '/api/empty' ? new Response(null, { status: 204 }) : Response.json({ ok: url }),
    );
    assert.deepEqual(await client.api.post('/api/a', { n: 1 }), { ok: '/api/a' });
    assert.equal(await client.apiFetch('/api/empty', { method: 'DELETE' }), undefined);
    const form = new FormData();
    form.set('request', '{}');
    await client.apiRequest('/api/query', { method: 'POST', form, keepalive: true });

    const [json, empty, multipart] = calls.map((c) => ({ ...c.init, headers: c.init.headers }));
    for (const init of [json, empty, multipart]) {
      assert.equal(init!.credentials, 'same-origin');
      assert.equal(init!.cache, 'no-store');
      assert.equal((init!.headers as Record<string, string>)['x-lakehouse-csrf'], '1');
    }
    assert.equal(json!.body, '{"n":1}');
    assert.equal((json!.headers as Record<string, string>)['Content-Type'], 'application/json');
    assert.equal(empty!.method, 'DELETE');
    assert.equal(empty!.body, undefined);
    assert.equal(multipart!.body, form);
    assert.equal((multipart!.headers as Record<string, string>)['Content-Type'], undefined);
    assert.equal(multipart!.keepalive, true);
  });
});
