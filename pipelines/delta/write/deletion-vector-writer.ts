// Writing deletion vectors (PROTOCOL.md "Deletion Vector Format"): each vector is a RoaringBitmapArray; small ones
// go inline into the descriptor (storageType 'i', Z85), the rest into ONE new file per commit,
// `deletion_vector_<uuid>.bin` at the table root: a version byte 1, then per vector its big-endian size, the bitmap
// and a big-endian CRC-32 (storageType 'u', offset = where its size field starts). The file has a fresh name and
// is invisible until a commit references it; a failed commit leaves an orphan that vacuum removes.

import { randomUUID } from 'node:crypto';
import type { LakeStorage } from '../../lake/storage';
import type { AddFile, DeletionVectorDescriptor } from '../actions';
import { buildDeletionVectorChunk, encodeDeletionVectorPath, encodeZ85 } from '../deletion-vectors';
import { joinLakePath } from '../log-files';
import { encodeRoaringBitmapArray } from '../roaring';

/** Bitmaps up to this size are stored inline in the log (one to a few row indexes); larger ones in a file. */
export const DEFAULT_INLINE_DV_MAX_BYTES = 48;
const DV_FILE_FORMAT_VERSION = 1;

export interface WrittenDeletionVectors {
  /** One descriptor per requested row set, in order. */
  descriptors: DeletionVectorDescriptor[];
  /** Lake path of the DV file written, when any vector did not fit inline. */
  filePath?: string;
}

/** An inline descriptor: Z85 needs whole 4-byte groups, so the bitmap is zero-padded; sizeInBytes is the real size. */
export function buildInlineDescriptor(bitmap: Uint8Array, cardinality: number): DeletionVectorDescriptor {
  const padded = new Uint8Array(Math.ceil(bitmap.byteLength / 4) * 4);
  padded.set(bitmap);
  return { storageType: 'i', pathOrInlineDv: encodeZ85(padded), sizeInBytes: bitmap.byteLength, cardinality };
}

/** Encodes the row sets (each ascending, non-empty) and stores them; returns their descriptors. */
export async function writeDeletionVectors(
  storage: LakeStorage,
  tableRoot: string,
  rowSets: number[][],
  options: { inlineMaxBytes?: number } = {},
): Promise<WrittenDeletionVectors> {
  const inlineMax = options.inlineMaxBytes ?? DEFAULT_INLINE_DV_MAX_BYTES;
  const uuid = randomUUID();
  const pathOrInlineDv = encodeDeletionVectorPath(uuid);
  const chunks: Uint8Array[] = [Uint8Array.of(DV_FILE_FORMAT_VERSION)];
  let offset = 1;
  const descriptors = rowSets.map((rows): DeletionVectorDescriptor => {
    const bitmap = encodeRoaringBitmapArray(rows);
    if (bitmap.byteLength <= inlineMax) return buildInlineDescriptor(bitmap, rows.length);
    const chunk = buildDeletionVectorChunk(bitmap);
    const descriptor: DeletionVectorDescriptor = {
      storageType: 'u',
      pathOrInlineDv,
      offset,
      sizeInBytes: bitmap.byteLength,
      cardinality: rows.length,
    };
    chunks.push(chunk);
    offset += chunk.byteLength;
    return descriptor;
  });
  if (chunks.length === 1) return { descriptors };
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  const filePath = joinLakePath(tableRoot, `deletion_vector_${uuid}.bin`);
  await storage.write(filePath, bytes);
  return { descriptors, filePath };
}

/**
 * Stats of a file whose deletion vector changed: numRecords stays the physical row count (the protocol requires
 * it), min/max/nullCount stay as they were, which makes them wide: tightBounds becomes false. Edited as text so
 * 64-bit bounds keep their digits.
 */
export function widenStats(file: AddFile, numRecords: number): string {
  const stats = typeof file.stats === 'string' ? file.stats.trim() : '';
  if (!stats.startsWith('{') || !stats.includes('"numRecords"')) {
    return JSON.stringify({ numRecords, tightBounds: false });
  }
  if (/"tightBounds"\s*:\s*(true|false)/.test(stats)) {
    return stats.replace(/"tightBounds"\s*:\s*(true|false)/, '"tightBounds":false');
  }
  return stats === '{}'
    ? JSON.stringify({ numRecords, tightBounds: false })
    : `${stats.slice(0, -1)},"tightBounds":false}`;
}

/** The add action re-adding a file with its new deletion vector (same path, data change: rows disappear). */
export function buildDeletionVectorAdd(
  file: AddFile,
  deletionVector: DeletionVectorDescriptor,
  numRecords: number,
): AddFile {
  const { statsParsed: _parsed, ...rest } = file;
  return { ...rest, dataChange: true, stats: widenStats(file, numRecords), deletionVector };
}
