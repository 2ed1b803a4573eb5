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

  test('lists a large directory (several stat slices) with links, odd names and startAfter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lake-large-'));
    try {
      const root = join(dir, 'lake');
      const log = join(root, '_delta_log');
      await mkdir(log, { recursive: true });
      await mkdir(join(dir, 'outside'));
      const names = Array.from({ length: 700 }, (_, v) => `${String(v).padStart(20, '0')}.json`);
      await Promise.all(names.map((name, v) => writeFile(join(log, name), 'x'.repeat(v % 7))));
      // Past the first slice: a link out of the lake, a link inside it, a name no lake path can express.
      await symlink(join(dir, 'outside'), join(log, '00000000000000000400.escape'));
      await symlink(join(log, names[3] as string), join(log, '00000000000000000500.alias'));
      await writeFile(join(log, '00000000000000000600.back\\slash'), 'x');
      const storage = new LocalLakeStorage(root);
      const all = await storage.list('_delta_log');
      const expected = [...names, '00000000000000000500.alias'].sort();
      assert.deepEqual(
        all.map((e) => e.name),
        expected,
      );
      assert.deepEqual(
        all.slice(0, 8).map((e) => e.size),
        [0, 1, 2, 3, 4, 5, 6, 0],
      );
      assert.equal(all.find((e) => e.name.endsWith('.alias'))?.size, 3, 'a link is described by its target');
      const tail = await storage.list('_delta_log', { startAfter: '00000000000000000690' });
      assert.deepEqual(
        tail.map((e) => e.name),
        names.slice(690),
      );
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
