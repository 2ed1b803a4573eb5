// Choosing the backend from LAKE_ROOT-style settings: pure parsing, then the objects it builds.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { openLakeStorage, parseLakeLocation } from '../../pipelines/lake/open-lake-storage';
import { WebHdfsLakeStorage } from '../../pipelines/lake/webhdfs-storage';
import { assertLakeError } from './storage-contract';

describe('parseLakeLocation', () => {
  test('folder paths and file:// URLs are local', () => {
    assert.deepEqual(parseLakeLocation('./data/lake', '/srv/app'), {
      kind: 'local',
      rootDir: '/srv/app/data/lake',
    });
    assert.deepEqual(parseLakeLocation('/srv/lake'), { kind: 'local', rootDir: '/srv/lake' });
    assert.deepEqual(parseLakeLocation('file:///srv/my%20lake'), { kind: 'local', rootDir: '/srv/my lake' });
  });

  test('webhdfs:// and swebhdfs:// URLs are WebHDFS, with default ports and an optional user', () => {
    assert.deepEqual(parseLakeLocation('webhdfs://namenode:9870/lake/'), {
      kind: 'webhdfs',
      endpoint: 'http://namenode:9870',
      root: '/lake',
    });
    assert.deepEqual(parseLakeLocation('webhdfs://etl@namenode/data/lake'), {
      kind: 'webhdfs',
      endpoint: 'http://namenode:9870',
      root: '/data/lake',
      userName: 'etl',
    });
    assert.deepEqual(parseLakeLocation('swebhdfs://namenode'), {
      kind: 'webhdfs',
      endpoint: 'https://namenode:9871',
      root: '/',
    });
  });

  test('refuses what cannot be a lake', () => {
    assert.throws(() => parseLakeLocation(''), { name: 'LakeError' });
    assert.throws(() => parseLakeLocation('s3://bucket/lake'), /Unsupported lake URL scheme 's3:'/);
    assert.throws(() => parseLakeLocation('hdfs://namenode:8020/lake'), /Unsupported lake URL scheme/);
  });
});

describe('openLakeStorage', () => {
  test('builds the backend the location names', () => {
    const local = openLakeStorage('/srv/lake');
    assert.ok(local instanceof LocalLakeStorage);
    assert.equal(local.rootUrl, pathToFileURL('/srv/lake').href);
    const remote = openLakeStorage('webhdfs://namenode:9870/lake', { userName: 'etl', timeoutMs: 5000 });
    assert.ok(remote instanceof WebHdfsLakeStorage);
    assert.equal(remote.rootUrl, 'webhdfs://namenode:9870/lake');
  });

  test('a WebHDFS root that no lake path could express is refused', async () => {
    // URL parsing already resolves '..' away, so the backslash is what is left to refuse.
    await assertLakeError(
      (async () => openLakeStorage('webhdfs://namenode:9870/lake/a\\b'))(),
      'INVALID_PATH',
    );
  });
});
