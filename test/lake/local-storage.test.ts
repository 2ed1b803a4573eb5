// The local-folder backend: the shared contract, then what only a real file system can show (symlinks,
// temp files, concurrent writers in separate processes).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { assertLakeError, runLakeStorageContract } from './storage-contract';

runLakeStorageContract('local folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lake-local-'));
  return {
    storage: new LocalLakeStorage(join(dir, 'lake')),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LocalLakeStorage on a real folder', () => {
  test('refuses symbolic links that lead out of the lake', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lake-symlink-'));
    try {
      const root = join(dir, 'lake');
      await mkdir(join(dir, 'outside'), { recursive: true });
      await writeFile(join(dir, 'outside', 'secret'), 'secret');
      await mkdir(root, { recursive: true });
      await symlink(join(dir, 'outside'), join(root, 'escape'));
      await mkdir(join(root, 'inside'));
      await symlink(join(root, 'inside'), join(root, 'alias'));
      const storage = new LocalLakeStorage(root);
      await assertLakeError(storage.read('escape/secret'), 'INVALID_PATH');
      await assertLakeError(storage.write('escape/new', 'x'), 'INVALID_PATH');
      await assertLakeError(storage.list('escape'), 'INVALID_PATH');
      assert.deepEqual(
        (await storage.list('')).map((e) => e.name),
        ['alias', 'inside'],
        'an escaping link is left out of listings',
      );
      await storage.write('alias/ok', 'fine');
      assert.equal(Buffer.from(await storage.read('inside/ok')).toString(), 'fine');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('leaves no temp file behind and publishes with the final name only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lake-temp-'));
    try {
      const storage = new LocalLakeStorage(dir);
      await storage.write('t/a', 'a');
      assert.equal(await storage.putIfAbsent('t/b', 'b'), true);
      assert.equal(await storage.putIfAbsent('t/b', 'b2'), false);
      assert.equal(await storage.renameIfAbsent('t/b', 't/c'), true);
      assert.deepEqual((await readdir(join(dir, 't'))).sort(), ['a', 'c']);
      assert.equal(storage.rootUrl, new URL(`file://${dir}`).href);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
