// The emitter against a real local HTTP server shaped like Marquez (POST /api/v1/lineage): events reach it as
// the JSON the store keeps, in order; an endpoint that errors, is down or hangs is logged without failing or
// holding up the run.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildStartEvent, fileNamespace, type RunEvent } from '../../pipelines/lineage';
import { createLineageEmitter, lineageEndpoint } from '../../server/store/lineage-emitter';

const event = buildStartEvent(
  {
    runId: '2b1c9a40-6d3e-4f0a-8f7e-1a2b3c4d5e6f',
    job: { namespace: 'county-lakehouse', name: 'county-ops' },
    inputs: [],
    outputs: [{ namespace: fileNamespace(), name: '/lake/tables/parcels', version: 3 }],
  },
  new Date('2026-11-24T08:00:00Z'),
);

interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** An emitter to `url` over an in-memory store, with what it stored and logged. */
function recordingEmitter(url: string, timeoutMs?: number) {
  const stored: RunEvent[] = [];
  const logs: string[] = [];
  const emit = createLineageEmitter({
    store: { saveLineageEvent: async (e) => void stored.push(e) },
    openLineageUrl: url,
    log: (line) => logs.push(line),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  return { emit, stored, logs };
}

describe('lineage emitter', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let answer = 201;

  before(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((text) => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: req.headers['content-type'],
          body: JSON.parse(text) as unknown,
        });
        res.writeHead(answer).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('accepts a base URL or the full endpoint', () => {
    assert.equal(lineageEndpoint('http://marquez:5000'), 'http://marquez:5000/api/v1/lineage');
    assert.equal(lineageEndpoint('http://marquez:5000/'), 'http://marquez:5000/api/v1/lineage');
    assert.equal(lineageEndpoint('http://m/api/v1/lineage'), 'http://m/api/v1/lineage');
  });

  it('stores the event and POSTs the same JSON to the endpoint', async () => {
    received.length = 0;
    answer = 201;
    const { emit, stored, logs } = recordingEmitter(base);
    await emit(event);
    await emit({ ...event, eventType: 'COMPLETE' });
    assert.deepEqual(stored, [event, { ...event, eventType: 'COMPLETE' }]);
    assert.equal(await emit.flush(), true);
    assert.equal(received.length, 2);
    assert.deepEqual(
      received.map((r) => (r.body as RunEvent).eventType),
      ['START', 'COMPLETE'],
    );
    assert.equal(received[0]!.method, 'POST');
    assert.equal(received[0]!.url, '/api/v1/lineage');
    assert.equal(received[0]!.contentType, 'application/json');
    assert.deepEqual(received[0]!.body, JSON.parse(JSON.stringify(event)));
    assert.deepEqual(logs, []);
  });

  it('logs an endpoint that answers an error, and still stores the event', async () => {
    received.length = 0;
    answer = 500;
    const { emit, stored, logs } = recordingEmitter(base);
    await emit(event);
    await emit.flush();
    assert.equal(stored.length, 1);
    assert.equal(received.length, 1);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /answered 500 to START of run 2b1c9a40/);
  });

  it('logs an endpoint that is down without failing the caller', async () => {
    const down = createServer();
    down.listen(0, '127.0.0.1');
    await once(down, 'listening');
    const port = (down.address() as AddressInfo).port;
    down.close();
    await once(down, 'close');
    const { emit, stored, logs } = recordingEmitter(`http://127.0.0.1:${port}`);
    await emit(event);
    await emit.flush();
    assert.equal(stored.length, 1);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /could not send START of run 2b1c9a40/);
  });

  it('does not hold up the run while the endpoint hangs; the POST times out in the background', async () => {
    const hung = createServer(() => {
      // Never answers.
    });
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
    const { emit, stored, logs } = recordingEmitter(
      `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
      300,
    );
    try {
      await emit(event);
      await emit({ ...event, eventType: 'COMPLETE' });
      // Both stored; had emit waited for the endpoint, both timeouts would already be logged.
      assert.equal(stored.length, 2);
      assert.deepEqual(logs, []);
      assert.equal(await emit.flush(10), false);
      assert.equal(await emit.flush(5_000), true);
      assert.equal(logs.length, 2);
      assert.match(logs[0]!, /could not send START/);
      assert.match(logs[1]!, /could not send COMPLETE/);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });

  it('fails the caller when the control store cannot keep the event, and sends nothing', async () => {
    received.length = 0;
    const emit = createLineageEmitter({
      store: {
        saveLineageEvent: async () => {
          throw new Error('control database unreachable');
        },
      },
      openLineageUrl: base,
      log: () => {},
    });
    await assert.rejects(emit(event), /control database unreachable/);
    await emit.flush();
    assert.equal(received.length, 0);
  });
});
