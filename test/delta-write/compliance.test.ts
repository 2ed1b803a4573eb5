// Protocol compliance of what the writer puts in the log: 20-digit names, one single-key action per line with the
// protocol's field names, commitInfo first, no null optional fields, stats JSON of the documented shape (ISO-8601
// millisecond timestamps, truncated strings, nested structs as objects), Spark schema strings. Also the WebHDFS
// path once, against the WebHDFS protocol test server (NOT HDFS; see test/lake/webhdfs-test-server.ts).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebHdfsLakeStorage } from '../../pipelines/lake/webhdfs-storage';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { serializeActions } from '../../pipelines/delta/write/commit-file';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { writeCheckpoint } from '../../pipelines/delta/write/write-checkpoint';
import { startWebHdfsTestServer } from '../lake/webhdfs-test-server';
import { openTestLake, readRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const ALLOWED_FIELDS: Record<string, string[]> = {
  commitInfo: [
    'timestamp',
    'operation',
    'operationParameters',
    'readVersion',
    'isolationLevel',
    'isBlindAppend',
    'operationMetrics',
    'engineInfo',
    'txnId',
  ],
  protocol: ['minReaderVersion', 'minWriterVersion', 'readerFeatures', 'writerFeatures'],
  metaData: [
    'id',
    'name',
    'description',
    'format',
    'schemaString',
    'partitionColumns',
    'configuration',
    'createdTime',
  ],
  add: ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange', 'stats', 'tags'],
  remove: [
    'path',
    'deletionTimestamp',
    'dataChange',
    'extendedFileMetadata',
    'partitionValues',
    'size',
    'stats',
    'tags',
  ],
  txn: ['appId', 'version', 'lastUpdated'],
};

function assertNoNulls(value: unknown, where: string): void {
  if (value === null) assert.fail(`null at ${where}`);
  if (typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'partitionValues') continue;
    assertNoNulls(item, `${where}.${key}`);
  }
}

test('commit files follow the protocol to the letter', async () => {
  const root = 'tables/compliance';
  await createTable(lake.effects, root, {
    partitionColumns: ['day'],
    data: `SELECT 1::BIGINT AS id, repeat('x', 40) AS long_text, 'b' AS short_text, 2.5::DOUBLE AS amount,
                  12.30::DECIMAL(10,2) AS price, true AS flag, TIMESTAMPTZ '2024-03-01 10:20:30.123456+00' AS at,
                  {'inner': 5, 'name': 'n'} AS nested, [1, 2] AS list, DATE '2024-03-01' AS day`,
  });
  await append(lake.effects, root, `SELECT 2::BIGINT AS id, NULL::DATE AS day`, {
    txn: { appId: 'a', version: 1 },
  });
  await overwrite(lake.effects, root, `SELECT 3::BIGINT AS id, NULL::DATE AS day`, {
    partitionFilter: { day: null },
  });
  await merge(lake.effects, root, `SELECT 1::BIGINT AS id, 'y' AS short_text, DATE '2024-03-01' AS day`, {
    keys: ['id', 'day'],
  });
  const names = (await lake.storage.list(`${root}/_delta_log`)).map((f) => f.name);
  const commits = names.filter((n) => n.endsWith('.json'));
  assert.ok(commits.length >= 3);
  for (const name of commits) assert.match(name, /^\d{20}\.json$/);
  for (const name of commits) {
    const text = new TextDecoder().decode(await lake.storage.read(`${root}/_delta_log/${name}`));
    assert.ok(text.endsWith('\n'));
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(Object.keys(lines[0] ?? {})[0], 'commitInfo', `${name}: commitInfo first`);
    for (const line of lines) {
      const keys = Object.keys(line);
      assert.equal(keys.length, 1, `${name}: one action per line`);
      const kind = keys[0] as string;
      assert.ok(ALLOWED_FIELDS[kind], `${name}: known action ${kind}`);
      const body = line[kind] as Record<string, unknown>;
      for (const field of Object.keys(body))
        assert.ok(ALLOWED_FIELDS[kind]?.includes(field), `${kind}.${field}`);
      assertNoNulls(body, `${name}:${kind}`);
      if (kind === 'add') {
        assert.equal(typeof body.stats, 'string');
        assert.match(String(body.path), /^day=[^/]+\/part-\d{5}-[0-9a-f-]{36}-c000\.zstd\.parquet$/);
        assert.equal(typeof body.modificationTime, 'number');
      }
      if (kind === 'commitInfo') {
        assert.equal(body.engineInfo, 'county-lakehouse/0.1.0');
        for (const value of Object.values(body.operationMetrics as object))
          assert.equal(typeof value, 'string');
      }
    }
  }
  const v0 = await loadSnapshot(lake.effects, root, { version: 0 });
  assert.deepEqual(v0.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
  assert.equal(v0.metadata.format.provider, 'parquet');
  assert.match(v0.metadata.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(JSON.parse(v0.metadata.schemaString).fields[7], {
    name: 'nested',
    type: {
      type: 'struct',
      fields: [
        { name: 'inner', type: 'integer', nullable: true, metadata: {} },
        { name: 'name', type: 'string', nullable: true, metadata: {} },
      ],
    },
    nullable: true,
    metadata: {},
  });
  const stats = JSON.parse(String(v0.files[0]?.stats));
  assert.deepEqual(stats, {
    numRecords: 1,
    minValues: {
      id: 1,
      long_text: 'x'.repeat(32),
      short_text: 'b',
      amount: 2.5,
      price: 12.3,
      at: '2024-03-01T10:20:30.123Z',
      nested: { inner: 5, name: 'n' },
    },
    maxValues: {
      id: 1,
      long_text: `${'x'.repeat(32)}\u{10FFFF}`,
      short_text: 'b',
      amount: 2.5,
      price: 12.3,
      at: '2024-03-01T10:20:30.123Z',
      nested: { inner: 5, name: 'n' },
    },
    nullCount: {
      id: 0,
      long_text: 0,
      short_text: 0,
      amount: 0,
      price: 0,
      flag: 0,
      at: 0,
      nested: { inner: 0, name: 0 },
      list: 0,
    },
  });
  assert.match(String(v0.files[0]?.stats), /"price":12\.30[,}]/, 'decimals keep their digits');
});

test('serializeActions drops null optional fields but keeps null partition values', () => {
  const text = serializeActions([
    {
      add: {
        path: 'a',
        partitionValues: { p: null },
        size: 1,
        modificationTime: 2,
        dataChange: true,
        stats: null,
        tags: null,
      },
    },
    {
      metaData: {
        id: 'x',
        name: null,
        format: { provider: 'parquet', options: {} },
        schemaString: '{}',
        partitionColumns: [],
        configuration: {},
      },
    },
  ]);
  assert.equal(
    text,
    '{"add":{"path":"a","partitionValues":{"p":null},"size":1,"modificationTime":2,"dataChange":true}}\n' +
      '{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}","partitionColumns":[],"configuration":{}}}\n',
  );
});

test('WebHDFS (protocol test server, not HDFS): create, append, merge, checkpoint and read back', async () => {
  const server = await startWebHdfsTestServer();
  try {
    const storage = new WebHdfsLakeStorage({
      endpoint: server.endpoint,
      root: '/lake',
      userName: 'pipelines',
    });
    const effects = { storage, duckdb: lake.duckdb };
    const root = 'tables/hdfs';
    await createTable(effects, root, {
      partitionColumns: ['p'],
      data: `SELECT range::INT AS id, (range % 2)::INT AS p FROM range(4)`,
    });
    await append(effects, root, `SELECT 10 AS id, 1 AS p`);
    await merge(effects, root, `SELECT 1 AS id, 1 AS p`, { keys: ['id'] });
    await writeCheckpoint(effects, root);
    assert.deepEqual(await readRows(effects, root), [
      { id: 0, p: 0 },
      { id: 1, p: 1 },
      { id: 10, p: 1 },
      { id: 2, p: 0 },
      { id: 3, p: 1 },
    ]);
    assert.equal((await loadSnapshot(effects, root)).version, 2);
    assert.ok(server.requests.some((r) => r.op === 'RENAME'));
  } finally {
    await server.close();
  }
});
