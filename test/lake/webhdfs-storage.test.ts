// The WebHDFS backend against the WebHDFS protocol test server (test/lake/webhdfs-test-server.ts): a node:http
// stand-in that speaks the REST protocol over a temp folder. It is NOT HDFS; webhdfs-live.test.ts runs the same
// contract against a real cluster when WEBHDFS_URL is set.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { WebHdfsLakeStorage } from '../../pipelines/lake/webhdfs-storage';
import { assertLakeError, collect, runLakeStorageContract } from './storage-contract';
import { listServerFiles, startWebHdfsTestServer } from './webhdfs-test-server';

runLakeStorageContract('WebHDFS protocol test server (not HDFS)', async () => {
  // Small LISTSTATUS_BATCH pages, so that listing from a point has to follow remainingEntries.
  const server = await startWebHdfsTestServer({ listBatchSize: 7 });
  const storage = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake', userName: 'pipelines' });
  return { storage, close: () => server.close() };
});

runLakeStorageContract(
  'WebHDFS protocol test server (not HDFS), gateway ignoring renameoptions',
  async () => {
    // Like HttpFS: renameoptions ignored, and LISTSTATUS_BATCH answers the whole directory (HDFS-14663).
    const server = await startWebHdfsTestServer({ supportRenameOptions: false, listStatusBatch: 'whole' });
    return {
      storage: new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake' }),
      close: () => server.close(),
    };
  },
);

runLakeStorageContract(
  'WebHDFS protocol test server (not HDFS), namenode without LISTSTATUS_BATCH',
  async () => {
    const server = await startWebHdfsTestServer({ listStatusBatch: 'unsupported' });
    return {
      storage: new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake' }),
      close: () => server.close(),
    };
  },
);

describe('WebHdfsLakeStorage against the WebHDFS protocol test server (not HDFS)', () => {
  test('lists from a point with LISTSTATUS_BATCH pages, and falls back to LISTSTATUS once when it is unknown', async () => {
    const server = await startWebHdfsTestServer({ listBatchSize: 2 });
    const old = await startWebHdfsTestServer({ listStatusBatch: 'unsupported' });
    try {
      const names = ['0.json', '1.json', '2.json', '3.json', '4.json', '5.json'];
      for (const lake of [server, old]) {
        const storage = new WebHdfsLakeStorage({ endpoint: lake.endpoint, root: '/lake' });
        for (const name of names) await storage.write(`t/${name}`, name);
        const before = lake.requests.length;
        assert.deepEqual(
          (await storage.list('t', { startAfter: '1.json' })).map((e) => e.name),
          names.slice(2),
        );
        assert.deepEqual(
          (await storage.list('t', { startAfter: '3' })).map((e) => e.name),
          names.slice(3),
        );
        const ops = lake.requests
          .slice(before)
          .map((r) => (r.query.startAfter === undefined ? [r.op] : [r.op, r.query.startAfter]));
        assert.deepEqual(
          ops,
          lake === server
            ? [
                ['LISTSTATUS_BATCH', '1.json'],
                ['LISTSTATUS_BATCH', '3.json'],
                ['LISTSTATUS_BATCH', '3'],
                ['LISTSTATUS_BATCH', '4.json'],
              ]
            : // The refusal is remembered: later listings go straight to LISTSTATUS.
              [['LISTSTATUS_BATCH', '1.json'], ['LISTSTATUS'], ['LISTSTATUS']],
        );
      }
    } finally {
      await server.close();
      await old.close();
    }
  });

  test('speaks the protocol: user.name, two-step CREATE, OPEN through the datanode, temp then RENAME', async () => {
    const server = await startWebHdfsTestServer();
    try {
      const storage = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake', userName: 'etl' });
      assert.equal(storage.rootUrl, `webhdfs://${new URL(server.endpoint).host}/lake`);
      assert.equal(await storage.putIfAbsent('t/_delta_log/00000000000000000000.json', '{}'), true);
      assert.equal(
        Buffer.from(
          await storage.readRange('t/_delta_log/00000000000000000000.json', { offset: 1, length: 1 }),
        ).toString(),
        '}',
      );
      assert.ok(server.requests.every((r) => r.role === 'datanode' || r.query['user.name'] === 'etl'));
      const ops = server.requests.map((r) => `${r.role} ${r.method} ${r.op}`);
      assert.deepEqual(ops.slice(0, 3), [
        'namenode GET GETFILESTATUS',
        'namenode PUT CREATE',
        'datanode PUT CREATE',
      ]);
      const create = server.requests.find((r) => r.role === 'namenode' && r.op === 'CREATE');
      assert.equal(create?.query.overwrite, 'false');
      assert.match(
        create?.hdfsPath ?? '',
        /^\/lake\/t\/_delta_log\/\.00000000000000000000\.json\.[0-9a-f]{16}\.tmp$/,
      );
      const rename = server.requests.find((r) => r.op === 'RENAME');
      assert.equal(rename?.query.destination, '/lake/t/_delta_log/00000000000000000000.json');
      assert.equal(rename?.query.renameoptions, 'NONE');
      const open = server.requests
        .filter((r) => r.op === 'OPEN')
        .map((r) => [r.role, r.query.offset, r.query.length]);
      assert.deepEqual(open, [
        ['namenode', '1', '1'],
        ['datanode', '1', '1'],
      ]);
      assert.deepEqual(await listServerFiles(server, '/lake/t/_delta_log'), ['00000000000000000000.json']);
    } finally {
      await server.close();
    }
  });

  test('the test server refuses CREATE overwrite=false on an existing file with FileAlreadyExistsException', async () => {
    const server = await startWebHdfsTestServer();
    try {
      const storage = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake' });
      await storage.write('f', 'first');
      const step1 = await fetch(`${server.endpoint}/webhdfs/v1/lake/f?op=CREATE&overwrite=false`, {
        method: 'PUT',
        redirect: 'manual',
      });
      assert.equal(step1.status, 307);
      const step2 = await fetch(step1.headers.get('location') ?? '', { method: 'PUT', body: 'second' });
      assert.equal(step2.status, 403);
      const body = (await step2.json()) as { RemoteException: { exception: string } };
      assert.equal(body.RemoteException.exception, 'FileAlreadyExistsException');
      assert.equal(Buffer.from(await storage.read('f')).toString(), 'first');
    } finally {
      await server.close();
    }
  });

  // Set-up and checks use a patient client; only the calls under test use the impatient one, so a loaded
  // machine cannot turn a set-up request into a false TIMEOUT.
  test('a server slower than the timeout fails with TIMEOUT: namenode, datanode OPEN and CREATE', async () => {
    const server = await startWebHdfsTestServer();
    try {
      const patient = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake' });
      const impatient = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake', timeoutMs: 200 });
      await patient.write('slow', 'data');
      server.delayResponses(2000, (r) => r.op === 'GETFILESTATUS');
      const started = Date.now();
      await assertLakeError(impatient.stat('slow'), 'TIMEOUT');
      assert.ok(Date.now() - started < 1500, 'gave up at the timeout, not when the server answered');
      server.delayResponses(2000, (r) => r.role === 'datanode' && r.op === 'OPEN');
      await assertLakeError(impatient.read('slow'), 'TIMEOUT');
      server.delayResponses(2000, (r) => r.role === 'datanode' && r.op === 'CREATE');
      await assertLakeError(impatient.write('slow', 'new data'), 'TIMEOUT');
      server.delayResponses(0);
      assert.equal(Buffer.from(await patient.read('slow')).toString(), 'data');
      assert.deepEqual(
        (await patient.list('')).map((e) => e.name),
        ['slow'],
      );
    } finally {
      await server.close();
    }
  });

  test('the timeout counts time without progress: a stalled download fails, an upload from a slow source succeeds', async () => {
    const server = await startWebHdfsTestServer();
    try {
      const patient = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake' });
      const impatient = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake', timeoutMs: 300 });
      const data = randomBytes(256 * 1024);
      await patient.write('big', data);
      server.delayResponses(2000, (r) => r.role === 'datanode' && r.op === 'OPEN', 'body');
      // The headers and the first 64 KiB arrive, then nothing: the stream itself must fail.
      const stalled = await impatient.readStream('big');
      await assertLakeError(collect(stalled), 'TIMEOUT');
      server.delayResponses(0);
      async function* slowSource(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 8; i++) {
          // One pause far longer than the timeout: waiting for the caller's data is not the server's fault.
          await new Promise((r) => setTimeout(r, i === 4 ? 900 : 20));
          yield data.subarray(i * 32 * 1024, (i + 1) * 32 * 1024);
        }
      }
      await impatient.writeStream('from-slow-source', slowSource());
      assert.ok(Buffer.from(await patient.read('from-slow-source')).equals(data));
    } finally {
      await server.close();
    }
  });

  test('maps errors: an unreachable server is IO, a non-WebHDFS server is REMOTE (never an empty lake)', async () => {
    const other = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const wrong = new WebHdfsLakeStorage({ endpoint, root: '/lake' });
      await assertLakeError(wrong.list('tables'), 'REMOTE');
      await assertLakeError(wrong.stat('tables'), 'REMOTE');
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
    const gone = new WebHdfsLakeStorage({ endpoint, root: '/lake', timeoutMs: 2000 });
    await assertLakeError(gone.list('tables'), 'IO');
  });
});
