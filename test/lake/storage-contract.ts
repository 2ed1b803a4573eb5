// The one contract every LakeStorage backend passes (ARCHITECTURE.md §6: one interface, one contract suite).
// Each backend's test file calls runLakeStorageContract with a factory that gives a fresh, empty lake.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { LakeError, type LakeStorage } from '../../pipelines/lake/storage';

export interface ContractLake {
  storage: LakeStorage;
  /** Remove what the factory created (temp folders, servers). */
  close(): Promise<void>;
}

const MB = 1024 * 1024;
const INVALID_PATHS = ['../x', '/abs', 'a/./b', 'a//b', 'a\\b', 'a/../b', '.', 'a/', 'a\0b', ''];

export function runLakeStorageContract(name: string, makeLake: () => Promise<ContractLake>): void {
  describe(`LakeStorage contract: ${name}`, () => {
    let lake: ContractLake;
    let s: LakeStorage;
    before(async () => {
      lake = await makeLake();
      s = lake.storage;
    });
    after(async () => {
      await lake?.close();
    });

    test('round trips text, binary and empty files', async () => {
      await s.write('round/text.json', '{"commitInfo":{"é":"✓"}}\n');
      assert.equal(decode(await s.read('round/text.json')), '{"commitInfo":{"é":"✓"}}\n');
      const binary = new Uint8Array(256).map((_, i) => i);
      await s.write('round/binary.bin', binary);
      assertBytes(await s.read('round/binary.bin'), binary);
      await s.write('round/empty', new Uint8Array(0));
      assert.equal((await s.read('round/empty')).length, 0);
      assert.equal((await s.stat('round/empty'))?.size, 0);
    });

    test('write replaces an existing file', async () => {
      await s.write('replace/f', 'first version, longer');
      await s.write('replace/f', 'second');
      assert.equal(decode(await s.read('replace/f')), 'second');
    });

    test('streams 5 MB in and out, whole and by range', async () => {
      const data = randomBytes(5 * MB);
      await s.writeStream('stream/big.parquet', chunksOf(data, 64 * 1024));
      assertBytes(await s.read('stream/big.parquet'), data);
      assertBytes(await collect(await s.readStream('stream/big.parquet')), data);
      const range = { offset: 3 * MB + 17, length: MB };
      assertBytes(
        await collect(await s.readStream('stream/big.parquet', range)),
        data.subarray(3 * MB + 17, 4 * MB + 17),
      );
      assert.equal((await s.stat('stream/big.parquet'))?.size, data.length);
    });

    test('reads byte ranges at the start, the middle and past the end', async () => {
      const data = Buffer.from('0123456789abcdef');
      await s.write('range/f', data);
      assert.equal(decode(await s.readRange('range/f', { offset: 0, length: 4 })), '0123');
      assert.equal(decode(await s.readRange('range/f', { offset: 6, length: 5 })), '6789a');
      assert.equal(decode(await s.readRange('range/f', { offset: 12, length: 100 })), 'cdef');
      assert.equal((await s.readRange('range/f', { offset: 16, length: 4 })).length, 0);
      assert.equal((await s.readRange('range/f', { offset: 40, length: 4 })).length, 0);
      assert.equal((await s.readRange('range/f', { offset: 3, length: 0 })).length, 0);
      assert.equal(decode(await collect(await s.readStream('range/f', { offset: 14, length: 10 }))), 'ef');
      assert.equal((await collect(await s.readStream('range/f', { offset: 5, length: 0 }))).length, 0);
    });

    test('lists entries sorted by name, with directories, and [] for a missing directory', async () => {
      await s.write('listing/b.json', 'bb');
      await s.write('listing/a.json', 'a');
      await s.write('listing/Z.json', 'z');
      await s.write('listing/sub/c', 'c');
      await s.write('listing/_delta_log/00000000000000000000.json', '{}');
      const entries = await s.list('listing');
      assert.deepEqual(
        entries.map((e) => e.name),
        // By UTF-16 code unit, as HDFS orders names: not by locale.
        ['Z.json', '_delta_log', 'a.json', 'b.json', 'sub'],
      );
      const b = entries.find((e) => e.name === 'b.json');
      assert.deepEqual(
        { ...b, modifiedMs: 0 },
        {
          path: 'listing/b.json',
          name: 'b.json',
          size: 2,
          modifiedMs: 0,
          isDirectory: false,
        },
      );
      assert.ok(
        Math.abs((b?.modifiedMs ?? 0) - Date.now()) < 10 * 60_000,
        'modifiedMs is a recent epoch time',
      );
      assert.equal(entries.find((e) => e.name === 'sub')?.isDirectory, true);
      assert.deepEqual(await s.list('listing/missing'), []);
      assert.deepEqual(await s.list('no/such/dir'), []);
      assert.deepEqual(
        (await s.list('')).map((e) => e.name).includes('listing'),
        true,
        'the root lists with the empty path',
      );
    });

    test('lists only the entries after startAfter, by code unit, as a Delta reader lists from a checkpoint', async () => {
      const log = 'from/_delta_log';
      const names = [
        '00000000000000000009.json',
        '00000000000000000010.checkpoint.parquet',
        '00000000000000000010.json',
        '00000000000000000011.json',
        '00000000000000000012.json',
        '00000000000000000012.crc',
        '_last_checkpoint',
      ];
      for (const name of names) await s.write(`${log}/${name}`, name);
      await s.write(`${log}/_sidecars/a.parquet`, 'x');
      const after = async (startAfter: string) => (await s.list(log, { startAfter })).map((e) => e.name);
      // The version alone sorts after every name of older versions and before every name of its own.
      assert.deepEqual(await after('00000000000000000010'), [
        '00000000000000000010.checkpoint.parquet',
        '00000000000000000010.json',
        '00000000000000000011.json',
        '00000000000000000012.crc',
        '00000000000000000012.json',
        '_last_checkpoint',
        '_sidecars',
      ]);
      // Strictly after: an existing name is excluded; statuses are as complete as without the option.
      const entries = await s.list(log, { startAfter: '00000000000000000012.crc' });
      assert.deepEqual(
        entries.map((e) => [e.name, e.path, e.size, e.isDirectory]),
        [
          ['00000000000000000012.json', `${log}/00000000000000000012.json`, 25, false],
          ['_last_checkpoint', `${log}/_last_checkpoint`, 16, false],
          ['_sidecars', `${log}/_sidecars`, 0, true],
        ],
      );
      assert.deepEqual(await after(''), [...(await s.list(log)).map((e) => e.name)]);
      assert.deepEqual(await after('~'), []);
      assert.deepEqual(await s.list('from/missing', { startAfter: '0' }), []);
    });

    test('lists a directory of many entries from a point, across server pages', async () => {
      const dir = 'many/_delta_log';
      const versions = Array.from({ length: 40 }, (_, v) => v);
      await Promise.all(versions.map((v) => s.write(`${dir}/${String(v).padStart(20, '0')}.json`, `${v}`)));
      const all = await s.list(dir);
      assert.equal(all.length, 40);
      const fromTen = await s.list(dir, { startAfter: String(10).padStart(20, '0') });
      assert.deepEqual(
        fromTen.map((e) => e.name),
        versions.slice(10).map((v) => `${String(v).padStart(20, '0')}.json`),
      );
      assert.deepEqual(
        fromTen.map((e) => e.size),
        versions.slice(10).map((v) => String(v).length),
      );
    });

    test('stat describes files and directories and gives null for missing ones', async () => {
      await s.write('stat/dir/file.txt', 'hello');
      const file = await s.stat('stat/dir/file.txt');
      assert.equal(file?.isDirectory, false);
      assert.equal(file?.size, 5);
      assert.equal(file?.name, 'file.txt');
      assert.equal(file?.path, 'stat/dir/file.txt');
      const dir = await s.stat('stat/dir');
      assert.equal(dir?.isDirectory, true);
      assert.equal(await s.stat('stat/missing'), null);
      assert.equal(await s.stat('stat/dir/file.txt/below'), null);
    });

    test('missing files fail with NOT_FOUND', async () => {
      await assertLakeError(s.read('missing/f'), 'NOT_FOUND');
      await assertLakeError(s.readRange('missing/f', { offset: 0, length: 1 }), 'NOT_FOUND');
      await assertLakeError(s.readStream('missing/f'), 'NOT_FOUND');
      await assertLakeError(s.renameIfAbsent('missing/f', 'missing/g'), 'NOT_FOUND');
    });

    test('putIfAbsent creates once, then refuses and leaves the content unchanged', async () => {
      const path = 'table/_delta_log/00000000000000000000.json';
      assert.equal(await s.putIfAbsent(path, '{"protocol":{}}\n'), true);
      assert.equal(await s.putIfAbsent(path, 'a different, longer commit\n'), false);
      assert.equal(decode(await s.read(path)), '{"protocol":{}}\n');
      assert.deepEqual(
        (await s.list('table/_delta_log')).map((e) => e.name),
        ['00000000000000000000.json'],
      );
    });

    test('renameIfAbsent moves to a free path and refuses an occupied one', async () => {
      await s.write('rename/a', 'A');
      await s.write('rename/b', 'B');
      assert.equal(await s.renameIfAbsent('rename/a', 'rename/b'), false);
      assert.equal(decode(await s.read('rename/a')), 'A');
      assert.equal(decode(await s.read('rename/b')), 'B');
      assert.equal(await s.renameIfAbsent('rename/a', 'rename/moved/deeper/c'), true);
      assert.equal(await s.stat('rename/a'), null);
      assert.equal(decode(await s.read('rename/moved/deeper/c')), 'A');
    });

    test('delete removes a file and reports a missing one', async () => {
      await s.write('del/f', 'x');
      assert.equal(await s.delete('del/f'), true);
      assert.equal(await s.stat('del/f'), null);
      assert.equal(await s.delete('del/f'), false);
      assert.equal(await s.delete('del/never/was'), false);
    });

    test('creates nested parent directories as needed', async () => {
      await s.write('n1/n2/n3/n4/leaf', 'deep');
      await s.writeStream('s1/s2/leaf', chunksOf(Buffer.from('streamed'), 3));
      assert.equal(await s.putIfAbsent('p1/p2/leaf', 'put'), true);
      assert.equal(decode(await s.read('n1/n2/n3/n4/leaf')), 'deep');
      assert.equal(decode(await s.read('s1/s2/leaf')), 'streamed');
      assert.equal(decode(await s.read('p1/p2/leaf')), 'put');
      assert.equal((await s.stat('n1/n2/n3'))?.isDirectory, true);
    });

    test('refuses invalid paths with INVALID_PATH on every method', async () => {
      for (const bad of INVALID_PATHS) {
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['stat', () => s.stat(bad)],
          ['read', () => s.read(bad)],
          ['readRange', () => s.readRange(bad, { offset: 0, length: 1 })],
          ['readStream', () => s.readStream(bad)],
          ['write', () => s.write(bad, 'x')],
          ['writeStream', () => s.writeStream(bad, chunksOf(Buffer.from('x'), 1))],
          ['putIfAbsent', () => s.putIfAbsent(bad, 'x')],
          ['renameIfAbsent from', () => s.renameIfAbsent(bad, 'ok/target')],
          ['renameIfAbsent to', () => s.renameIfAbsent('ok/source', bad)],
          ['delete', () => s.delete(bad)],
        ];
        // The empty path is the root: valid for list and stat, invalid for file operations.
        if (bad !== '') calls.push(['list', () => s.list(bad)]);
        for (const [method, call] of calls) {
          if (bad === '' && method === 'stat') continue;
          await assertLakeError(call(), 'INVALID_PATH', `${method}(${JSON.stringify(bad)})`);
        }
      }
    });

    test('never shows a partial file while a large write is in progress', async () => {
      await s.write('partial/existing.parquet', 'old content');
      const data = randomBytes(4 * MB);
      // Yields the data in 16 pieces; after half of them has gone out, looks at the lake from the side.
      async function* slowChunks(
        look: () => Promise<unknown[]>,
        seen: unknown[],
      ): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 16; i++) {
          yield data.subarray(i * 256 * 1024, (i + 1) * 256 * 1024);
          if (i === 8) {
            await new Promise((r) => setTimeout(r, 50));
            seen.push(...(await look()));
          }
        }
      }
      const names = async () => (await s.list('partial')).map((e) => e.name);

      const seenWhileCreating: unknown[] = [];
      const lookAtNew = async () => [await s.stat('partial/new.parquet'), await names()];
      await s.writeStream('partial/new.parquet', slowChunks(lookAtNew, seenWhileCreating));
      assert.deepEqual(seenWhileCreating, [null, ['existing.parquet']], 'nothing visible while creating');

      const seenWhileReplacing: unknown[] = [];
      const lookAtOld = async () => [
        decode(await s.read('partial/existing.parquet')),
        (await s.stat('partial/existing.parquet'))?.size,
        await names(),
      ];
      await s.writeStream('partial/existing.parquet', slowChunks(lookAtOld, seenWhileReplacing));
      assert.deepEqual(
        seenWhileReplacing,
        ['old content', 11, ['existing.parquet', 'new.parquet']],
        'the old file while replacing',
      );
      assertBytes(await s.read('partial/new.parquet'), data);
      assertBytes(await s.read('partial/existing.parquet'), data);
    });

    test('concurrent putIfAbsent calls on one path: exactly one wins, its content whole', async () => {
      const path = 'concurrent/_delta_log/00000000000000000001.json';
      const contents = Array.from({ length: 8 }, (_, i) => `{"commitInfo":{"writer":${i}}}\n`.repeat(2000));
      const results = await Promise.all(contents.map((content) => s.putIfAbsent(path, content)));
      assert.equal(results.filter(Boolean).length, 1, `one winner in ${JSON.stringify(results)}`);
      assert.equal(decode(await s.read(path)), contents[results.indexOf(true)]);
      assert.deepEqual(
        (await s.list('concurrent/_delta_log')).map((e) => e.name),
        ['00000000000000000001.json'],
      );
    });

    test('delete removes an empty directory and refuses a non-empty one', async () => {
      await s.write('dirs/full/f', 'x');
      await assert.rejects(s.delete('dirs/full'), LakeError);
      assert.equal(decode(await s.read('dirs/full/f')), 'x');
      assert.equal(await s.delete('dirs/full/f'), true);
      assert.equal(await s.delete('dirs/full'), true);
      assert.equal(await s.stat('dirs/full'), null);
    });

    test('a file standing where a parent directory should be makes writes fail', async () => {
      await s.write('blocked/file', 'x');
      await assert.rejects(s.write('blocked/file/child', 'y'), LakeError);
      await assert.rejects(s.putIfAbsent('blocked/file/child', 'y'), LakeError);
      assert.equal(decode(await s.read('blocked/file')), 'x');
      assert.deepEqual(
        (await s.list('blocked')).map((e) => e.name),
        ['file'],
      );
    });

    test('a failed stream write leaves nothing behind', async () => {
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('some data');
        throw new Error('source broke');
      }
      await assert.rejects(s.writeStream('failed/f', failing()));
      assert.equal(await s.stat('failed/f'), null);
      assert.deepEqual(await s.list('failed'), []);
    });
  });
}

export function chunksOf(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
  })();
}

export async function collect(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function assertLakeError(
  promise: Promise<unknown>,
  code: LakeError['code'],
  what = '',
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LakeError, `${what}: expected a LakeError, got ${String(error)}`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
    return true;
  });
}

function assertBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.length, expected.length, 'length');
  assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), 'bytes differ');
}

function decode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}
