// Deletion vectors (PROTOCOL-NOTES §10): descriptor → bytes (inline Z85, or a range of a DV file read through
// LakeStorage) → deleted row indexes; and the encodings the writer needs for the way back (Z85, the file's
// size + bitmap + CRC chunk, the UUID-based relative path).

import type { LakeStorage } from '../lake/storage';
import type { DeletionVectorDescriptor } from './actions';
import { DeltaError } from './errors';
import { resolveLakeUri } from './lake-uri';
import { joinLakePath } from './log-files';
import { decodePathUri } from './paths';
import { decodeRoaringBitmapArray } from './roaring';

const Z85_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_VALUES = new Map([...Z85_ALPHABET].map((char, index) => [char, index]));

/** Decodes Z85 text (ZeroMQ's Base85); a final partial group is decoded as if padded. */
export function decodeZ85(text: string): Uint8Array {
  const fullGroups = Math.floor(text.length / 5);
  const remainder = text.length % 5;
  const out = new Uint8Array(fullGroups * 4 + (remainder > 0 ? remainder - 1 : 0));
  const decodeGroup = (group: string, outOffset: number, bytes: number): void => {
    let value = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = group[i] ?? '#';
      const digit = Z85_VALUES.get(char);
      if (digit === undefined)
        throw new DeltaError('CORRUPT_DELETION_VECTOR', `Invalid Z85 character '${char}'`);
      value = value * 85 + digit;
    }
    for (let i = 0; i < bytes; i += 1) out[outOffset + i] = Math.floor(value / 256 ** (3 - i)) % 256;
  };
  for (let g = 0; g < fullGroups; g += 1) decodeGroup(text.slice(g * 5, g * 5 + 5), g * 4, 4);
  if (remainder > 0) decodeGroup(text.slice(fullGroups * 5), fullGroups * 4, remainder - 1);
  return out;
}

/** Encodes bytes as Z85; the length must be a multiple of 4 (pad first: descriptors carry the real size). */
export function encodeZ85(bytes: Uint8Array): string {
  if (bytes.byteLength % 4 !== 0) {
    throw new DeltaError('INVALID_ARGUMENT', 'Z85 input length must be a multiple of 4');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  for (let offset = 0; offset < bytes.byteLength; offset += 4) {
    let value = view.getUint32(offset, false);
    const group: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      group.unshift(Z85_ALPHABET[value % 85] as string);
      value = Math.floor(value / 85);
    }
    text += group.join('');
  }
  return text;
}

/** `pathOrInlineDv` of a 'u' descriptor: optional prefix then the Z85 of the UUID's 16 bytes. */
export function encodeDeletionVectorPath(uuid: string, prefix = ''): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new DeltaError('INVALID_ARGUMENT', `Invalid UUID '${uuid}'`);
  return `${prefix}${encodeZ85(Uint8Array.from(Buffer.from(hex, 'hex')))}`;
}

/** One DV as stored in a DV file: big-endian int32 size, the bitmap, big-endian CRC-32 of the bitmap. */
export function buildDeletionVectorChunk(bitmap: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(bitmap.byteLength + 8);
  const view = new DataView(chunk.buffer);
  view.setInt32(0, bitmap.byteLength, false);
  chunk.set(bitmap, 4);
  view.setUint32(4 + bitmap.byteLength, computeCrc32(bitmap), false);
  return chunk;
}

/** Formats 16 bytes as a lower-case UUID string. */
function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export type DeletionVectorLocation = { kind: 'relative'; path: string } | { kind: 'absolute'; uri: string };

/** Where an on-disk DV lives: 'u' = table-relative `[prefix/]deletion_vector_<uuid>.bin`, 'p' = absolute URI. */
export function resolveDeletionVectorLocation(dv: DeletionVectorDescriptor): DeletionVectorLocation {
  if (dv.storageType === 'p') return { kind: 'absolute', uri: dv.pathOrInlineDv };
  if (dv.storageType !== 'u') {
    throw new DeltaError(
      'CORRUPT_DELETION_VECTOR',
      `Deletion vector of type '${dv.storageType}' has no file`,
    );
  }
  const encoded = dv.pathOrInlineDv;
  if (encoded.length < 20) throw new DeltaError('CORRUPT_DELETION_VECTOR', `Invalid DV path '${encoded}'`);
  const prefix = encoded.slice(0, encoded.length - 20);
  const uuid = formatUuid(decodeZ85(encoded.slice(encoded.length - 20)));
  return { kind: 'relative', path: joinLakePath(prefix, `deletion_vector_${uuid}.bin`) };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function computeCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Extracts the bitmap from a DV file chunk read at the descriptor's offset: big-endian int32 size, the bitmap,
 * then a big-endian CRC-32 of the bitmap.
 */
export function extractDeletionVectorChunk(chunk: Uint8Array, dv: DeletionVectorDescriptor): Uint8Array {
  if (chunk.byteLength < 4 + dv.sizeInBytes) {
    throw new DeltaError(
      'CORRUPT_DELETION_VECTOR',
      'Deletion vector file is shorter than its descriptor says',
    );
  }
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const size = view.getInt32(0, false);
  if (size !== dv.sizeInBytes) {
    throw new DeltaError(
      'CORRUPT_DELETION_VECTOR',
      `DV size ${size} differs from descriptor ${dv.sizeInBytes}`,
    );
  }
  const bitmap = chunk.subarray(4, 4 + size);
  if (chunk.byteLength >= 8 + size) {
    const expected = view.getUint32(4 + size, false);
    if (expected !== computeCrc32(bitmap))
      throw new DeltaError('CORRUPT_DELETION_VECTOR', 'DV checksum mismatch');
  }
  return bitmap;
}

/**
 * Deleted row indexes of one file, ascending. `tableRoot` is lake-relative. Throws PATH_OUTSIDE_LAKE for a 'p'
 * descriptor whose URI is not inside the lake.
 */
export async function loadDeletedRows(
  storage: LakeStorage,
  tableRoot: string,
  dv: DeletionVectorDescriptor,
): Promise<number[]> {
  if (dv.storageType === 'i') {
    const bytes = decodeZ85(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes);
    return decodeRoaringBitmapArray(bytes);
  }
  const location = resolveDeletionVectorLocation(dv);
  // 'p': an absolute URI, read only when it lies inside the lake (lake-uri.ts refuses anything else).
  const path =
    location.kind === 'absolute'
      ? resolveLakeUri(storage.rootUrl, location.uri)
      : joinLakePath(tableRoot, decodePathUri(location.path));
  let chunk: Uint8Array;
  try {
    chunk = await storage.readRange(path, { offset: dv.offset ?? 1, length: dv.sizeInBytes + 8 });
  } catch (cause) {
    throw new DeltaError('READ_FAILED', `Cannot read deletion vector ${path}`, { cause });
  }
  const rows = decodeRoaringBitmapArray(extractDeletionVectorChunk(chunk, dv));
  if (rows.length !== dv.cardinality) {
    throw new DeltaError(
      'CORRUPT_DELETION_VECTOR',
      `DV holds ${rows.length} rows, descriptor says ${dv.cardinality}`,
    );
  }
  return rows;
}
