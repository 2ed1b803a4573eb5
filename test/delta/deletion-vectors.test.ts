import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import {
  computeCrc32,
  decodeZ85,
  loadDeletedRows,
  resolveDeletionVectorLocation,
} from '../../pipelines/delta/deletion-vectors';
import { isDeltaError } from '../../pipelines/delta/errors';
import { decodeRoaringBitmapArray, ROARING_ARRAY_MAGIC } from '../../pipelines/delta/roaring';

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Test-only encoder (input length a multiple of 4). */
function encodeZ85(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value =
      (((bytes[i] ?? 0) << 24) |
        ((bytes[i + 1] ?? 0) << 16) |
        ((bytes[i + 2] ?? 0) << 8) |
        (bytes[i + 3] ?? 0)) >>>
      0;
    let group = '';
    for (let j = 0; j < 5; j += 1) {
      group = (Z85[value % 85] ?? '') + group;
      value = Math.floor(value / 85);
    }
    out += group;
  }
  return out;
}

/** Builds a RoaringBitmapArray: one 32-bit bitmap (key 0) holding an array container and a run container. */
function buildBitmapArray(): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => parts.push(v & 0xff, (v >> 8) & 0xff);
  const u32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  u32(ROARING_ARRAY_MAGIC);
  u32(1); // int64 bitmap count, low word
  u32(0);
  u32(0); // key of the 32-bit bitmap
  // Portable format with run containers: cookie 12347 | (containers - 1) << 16, then the run-flag bitset.
  u32(12347 | (1 << 16));
  parts.push(0b10); // container 1 is a run container
  u16(0); // container 0: key 0, cardinality 3
  u16(2);
  u16(1); // container 1: key 1 (values 65536+), cardinality 4
  u16(3);
  u16(0); // array container values
  u16(5);
  u16(9);
  u16(1); // one run: start 10, length 3 (10..13)
  u16(10);
  u16(3);
  return Uint8Array.from(parts);
}

test('Z85 decodes the ZeroMQ reference vector', () => {
  assert.deepEqual(
    decodeZ85('HelloWorld'),
    Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]),
  );
  assert.throws(
    () => decodeZ85('abc~d'),
    (error: unknown) => isDeltaError(error, 'CORRUPT_DELETION_VECTOR'),
  );
});

test('portable Roaring with array and run containers', () => {
  assert.deepEqual(decodeRoaringBitmapArray(buildBitmapArray()), [0, 5, 9, 65546, 65547, 65548, 65549]);
  assert.throws(
    () => decodeRoaringBitmapArray(Uint8Array.from([1, 2, 3, 4])),
    (error: unknown) => isDeltaError(error, 'CORRUPT_DELETION_VECTOR'),
  );
});

test("'u' descriptors name deletion_vector_<uuid>.bin under an optional prefix", () => {
  const uuidBytes = Uint8Array.from(Buffer.from('01c31d5c23dc424f9ca335af6cca28f1', 'hex'));
  const encoded = encodeZ85(uuidBytes);
  const location = resolveDeletionVectorLocation({
    storageType: 'u',
    pathOrInlineDv: `ab${encoded}`,
    offset: 1,
    sizeInBytes: 1,
    cardinality: 1,
  });
  assert.deepEqual(location, {
    kind: 'relative',
    path: 'ab/deletion_vector_01c31d5c-23dc-424f-9ca3-35af6cca28f1.bin',
  });
});

test('inline and on-disk deletion vectors decode to row indexes', async () => {
  const bitmap = buildBitmapArray();
  const padded = new Uint8Array(Math.ceil(bitmap.length / 4) * 4);
  padded.set(bitmap);
  const inline = await loadDeletedRows(new LocalLakeStorage(tmpdir()), 't', {
    storageType: 'i',
    pathOrInlineDv: encodeZ85(padded),
    sizeInBytes: bitmap.length,
    cardinality: 7,
  });
  assert.deepEqual(inline, [0, 5, 9, 65546, 65547, 65548, 65549]);

  const dir = await mkdtemp(path.join(tmpdir(), 'dv-test-'));
  try {
    const uuid = Uint8Array.from(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'));
    const file = Buffer.alloc(1 + 4 + bitmap.length + 4);
    file[0] = 1; // format version
    file.writeInt32BE(bitmap.length, 1);
    Buffer.from(bitmap).copy(file, 5);
    file.writeUInt32BE(computeCrc32(bitmap), 5 + bitmap.length);
    await writeFile(path.join(dir, 'deletion_vector_01234567-89ab-cdef-0123-456789abcdef.bin'), file);
    const descriptor = {
      storageType: 'u' as const,
      pathOrInlineDv: encodeZ85(uuid),
      offset: 1,
      sizeInBytes: bitmap.length,
      cardinality: 7,
    };
    const storage = new LocalLakeStorage(dir);
    assert.deepEqual(await loadDeletedRows(storage, '', descriptor), [0, 5, 9, 65546, 65547, 65548, 65549]);
    await assert.rejects(loadDeletedRows(storage, '', { ...descriptor, cardinality: 2 }), (error: unknown) =>
      isDeltaError(error, 'CORRUPT_DELETION_VECTOR'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
