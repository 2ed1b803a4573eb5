// Writing deletion vectors: Spark's DV files from the conformance tables decode and re-encode to the same bytes
// (bitmap, size, CRC, UUID path), and what our writer stores (inline and in a file) reads back through our reader.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DeletionVectorDescriptor } from '../../pipelines/delta/actions';
import {
  buildDeletionVectorChunk,
  decodeZ85,
  encodeDeletionVectorPath,
  encodeZ85,
  extractDeletionVectorChunk,
  loadDeletedRows,
  resolveDeletionVectorLocation,
} from '../../pipelines/delta/deletion-vectors';
import { decodeRoaringBitmapArray, encodeRoaringBitmapArray } from '../../pipelines/delta/roaring';
import { widenStats, writeDeletionVectors } from '../../pipelines/delta/write/deletion-vector-writer';
import { openTestLake, type TestLake } from './helpers';

const CONFORMANCE = path.resolve('../shared/delta-conformance');

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

/** Every DV descriptor of a conformance table's JSON commits, with the table folder. */
function findSparkDescriptors(): { dir: string; dv: DeletionVectorDescriptor }[] {
  const found: { dir: string; dv: DeletionVectorDescriptor }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name === '_delta_log') {
        for (const name of readdirSync(full).filter((n) => n.endsWith('.json'))) {
          for (const line of readFileSync(path.join(full, name), 'utf8').split('\n')) {
            if (!line.includes('"deletionVector"')) continue;
            const action = JSON.parse(line) as { add?: { deletionVector?: DeletionVectorDescriptor } };
            if (action.add?.deletionVector) found.push({ dir, dv: action.add.deletionVector });
          }
        }
      } else if (entry.isDirectory()) walk(full);
    }
  };
  walk(CONFORMANCE);
  return found;
}

const skip = existsSync(CONFORMANCE) ? false : `conformance tables not found at ${CONFORMANCE}`;

test('Spark-written deletion vectors re-encode to the same bytes', { skip }, () => {
  const descriptors = findSparkDescriptors().filter(({ dv }) => dv.storageType === 'u');
  assert.ok(descriptors.length >= 10, `found ${descriptors.length} Spark DVs`);
  for (const { dir, dv } of descriptors) {
    const location = resolveDeletionVectorLocation(dv);
    assert.equal(location.kind, 'relative');
    const file = readFileSync(path.join(dir, location.kind === 'relative' ? location.path : ''));
    const offset = dv.offset ?? 1;
    const stored = new Uint8Array(file.subarray(offset, offset + dv.sizeInBytes + 8));
    const bitmap = extractDeletionVectorChunk(stored, dv);
    const rows = decodeRoaringBitmapArray(bitmap);
    assert.equal(rows.length, dv.cardinality);
    const reencoded = encodeRoaringBitmapArray(rows);
    assert.deepEqual(Buffer.from(reencoded), Buffer.from(bitmap), `bitmap of ${dv.pathOrInlineDv}`);
    assert.deepEqual(Buffer.from(buildDeletionVectorChunk(reencoded)), Buffer.from(stored), 'size + CRC');
    const uuid = /deletion_vector_([0-9a-f-]{36})\.bin$/.exec(
      location.kind === 'relative' ? location.path : '',
    );
    assert.ok(uuid?.[1]);
    const prefix = dv.pathOrInlineDv.slice(0, dv.pathOrInlineDv.length - 20);
    assert.equal(encodeDeletionVectorPath(uuid[1], prefix), dv.pathOrInlineDv);
    assert.equal(file[0], 1, 'DV file format version byte');
  }
});

test('encoding round-trips arrays, bitmap containers and rows past 2^32', () => {
  const cases: number[][] = [
    [0],
    [5, 3, 3, 1],
    Array.from({ length: 5000 }, (_, i) => i * 2), // > 4096 in one container: bitmap container
    [1, 65535, 65536, 70000, 1_000_000],
    [7, 2 ** 32 + 1, 3 * 2 ** 32 + 9],
  ];
  for (const rows of cases) {
    const expected = [...new Set(rows)].sort((a, b) => a - b);
    assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray(rows)), expected);
  }
  const bytes = Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(encodeZ85(bytes), 'HelloWorld', 'the Z85 spec example');
  assert.deepEqual(Buffer.from(decodeZ85('HelloWorld')), Buffer.from(bytes));
  assert.throws(() => encodeRoaringBitmapArray([-1]));
});

test('our writer stores small vectors inline and larger ones in one file; our reader reads both', async () => {
  const root = 'tables/dv-encoding';
  const sets = [
    [3],
    Array.from({ length: 300 }, (_, i) => i * 7),
    Array.from({ length: 40 }, (_, i) => i * 5000),
  ];
  const written = await writeDeletionVectors(lake.storage, root, sets);
  const kinds = written.descriptors.map((dv) => dv.storageType);
  assert.deepEqual(kinds, ['i', 'u', 'u']);
  assert.ok(written.filePath?.startsWith(`${root}/deletion_vector_`));
  assert.equal(written.descriptors[1]?.offset, 1);
  assert.equal(
    written.descriptors[2]?.offset,
    1 + 8 + (written.descriptors[1]?.sizeInBytes ?? 0),
    'vectors follow each other in the file',
  );
  for (const [i, dv] of written.descriptors.entries()) {
    assert.equal(dv.cardinality, sets[i]?.length);
    assert.deepEqual(await loadDeletedRows(lake.storage, root, dv), sets[i]);
  }
  const inline = written.descriptors[0] as DeletionVectorDescriptor;
  assert.equal(inline.pathOrInlineDv.length % 5, 0);
  assert.equal(inline.offset, undefined);
});

test('stats of a file with a deletion vector keep numRecords and become wide', () => {
  const file = { path: 'a', partitionValues: {}, size: 1, modificationTime: 0, dataChange: true };
  assert.equal(
    widenStats({ ...file, stats: '{"numRecords":3,"minValues":{"id":9223372036854775807}}' }, 3),
    '{"numRecords":3,"minValues":{"id":9223372036854775807},"tightBounds":false}',
  );
  assert.equal(
    widenStats({ ...file, stats: '{"numRecords":3,"tightBounds":true}' }, 3),
    '{"numRecords":3,"tightBounds":false}',
  );
  assert.equal(widenStats({ ...file, stats: null }, 4), '{"numRecords":4,"tightBounds":false}');
});
