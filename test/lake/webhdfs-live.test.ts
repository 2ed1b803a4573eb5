// The storage contract against a real WebHDFS endpoint (a Hadoop namenode, or an HttpFS gateway). No HDFS can
// run on these machines, so this runs only when WEBHDFS_URL names one, e.g.
//   WEBHDFS_URL=webhdfs://namenode:9870/tmp/lake-contract WEBHDFS_USER=hdfs npm test -- test/lake
// Each run works in a fresh directory under that path and deletes it afterwards.

import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { openLakeStorage, parseLakeLocation } from '../../pipelines/lake/open-lake-storage';
import { runLakeStorageContract } from './storage-contract';

const baseUrl = process.env.WEBHDFS_URL;
const userName = process.env.WEBHDFS_USER;

if (baseUrl === undefined || baseUrl === '') {
  test(
    'WebHDFS live contract suite',
    { skip: 'skipped because WEBHDFS_URL is not set (no HDFS on this machine)' },
    () => {
      // Nothing runs without a live endpoint; the protocol test server suite covers the backend meanwhile.
    },
  );
} else {
  runLakeStorageContract(`live WebHDFS at ${baseUrl}`, async () => {
    const location = `${baseUrl.replace(/\/+$/, '')}/contract-${Date.now()}-${randomBytes(4).toString('hex')}`;
    const storage = openLakeStorage(location, { userName });
    return { storage, close: () => deleteRecursively(location) };
  });
}

// The LakeStorage interface deletes single files on purpose; the test's scratch directory needs more.
async function deleteRecursively(location: string): Promise<void> {
  const parsed = parseLakeLocation(location);
  if (parsed.kind !== 'webhdfs') throw new Error(`WEBHDFS_URL must be a webhdfs:// URL, got ${location}`);
  const url = new URL(`/webhdfs/v1${parsed.root}`, parsed.endpoint);
  url.searchParams.set('op', 'DELETE');
  url.searchParams.set('recursive', 'true');
  const user = userName ?? parsed.userName;
  if (user !== undefined) url.searchParams.set('user.name', user);
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok)
    throw new Error(`Could not delete ${location}: HTTP ${response.status} ${await response.text()}`);
}
