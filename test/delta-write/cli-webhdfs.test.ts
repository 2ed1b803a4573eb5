// `npm run delta -- <command> <table>` takes a table on either backend: here a webhdfs:// URL served by the
// WebHDFS protocol test server (NOT HDFS; see test/lake/webhdfs-test-server.ts).

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runDeltaCli } from '../../pipelines/cli/delta';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { WebHdfsLakeStorage } from '../../pipelines/lake/webhdfs-storage';
import { createTable } from '../../pipelines/delta/write/create-table';
import { append } from '../../pipelines/delta/write/write-table';
import { startWebHdfsTestServer } from '../lake/webhdfs-test-server';

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, callback) {
        out[key] += String(chunk);
        callback();
      },
    });
  const code = await runDeltaCli(argv, { stdout: sink('stdout'), stderr: sink('stderr') });
  return { code, ...out };
}

test('delta CLI on a webhdfs:// table (protocol test server, not HDFS): scan, history, checkpoint', async () => {
  const server = await startWebHdfsTestServer();
  const duckdb = await createDuckDbSession();
  try {
    const storage = new WebHdfsLakeStorage({ endpoint: server.endpoint, root: '/lake' });
    const effects = { storage, duckdb };
    await createTable(effects, 'tables/permits', { data: `SELECT range::INT AS id FROM range(3)` });
    await append(effects, 'tables/permits', `SELECT 7 AS id`);

    const url = `webhdfs://${new URL(server.endpoint).host}/lake/tables/permits`;
    const scan = await runCli(['scan', url, '--format', 'jsonl']);
    assert.equal(scan.code, 0, scan.stderr);
    const ids = scan.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: number }).id)
      .sort((a, b) => a - b);
    assert.deepEqual(ids, [0, 1, 2, 7]);

    const old = await runCli(['scan', url, '--version', '0', '--format', 'jsonl']);
    assert.equal(old.stdout.trim().split('\n').length, 3);

    const history = await runCli(['history', url]);
    assert.equal(history.code, 0, history.stderr);
    assert.equal(history.stdout.trim().split('\n').length, 2);

    const checkpoint = await runCli(['checkpoint', url]);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    assert.ok(await storage.stat('tables/permits/_delta_log/_last_checkpoint'));
    assert.ok(server.requests.some((r) => r.op === 'OPEN'));
  } finally {
    duckdb.close();
    await server.close();
  }
});

test('delta CLI refuses a table URL of an unknown scheme with a clear error', async () => {
  const result = await runCli(['scan', 's3://bucket/table']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /s3|scheme|INVALID_PATH/i);
});
