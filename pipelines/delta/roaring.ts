// (De)serialisation of Delta's RoaringBitmapArray (PROTOCOL.md "Deletion Vector Format"), pure: a little-endian magic
// 1681511377, an int64 count of 32-bit bitmaps, then per bitmap an int32 key (high 32 bits of the row index) and the
// bitmap in the portable Roaring format (https://github.com/RoaringBitmap/RoaringFormatSpec).

import { DeltaError } from './errors';

export const ROARING_ARRAY_MAGIC = 1681511377;
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

class ByteReader {
  private position = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number): void {
    if (this.position + count > this.bytes.byteLength) {
      throw new DeltaError('CORRUPT_DELETION_VECTOR', 'Deletion vector bitmap is truncated');
    }
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.position, true);
    this.position += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  u64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.position, true);
    this.position += 8;
    return value;
  }

  bytesAt(count: number): Uint8Array {
    this.need(count);
    const slice = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return slice;
  }

  skip(count: number): void {
    this.need(count);
    this.position += count;
  }
}

/** Reads one portable 32-bit Roaring bitmap, pushing `high + value` for each member. */
function readPortableBitmap(reader: ByteReader, high: number, out: number[]): void {
  const cookie = reader.u32();
  let containers: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    containers = (cookie >>> 16) + 1;
    runFlags = reader.bytesAt(Math.ceil(containers / 8));
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    containers = reader.u32();
  } else {
    throw new DeltaError('CORRUPT_DELETION_VECTOR', `Unknown Roaring cookie ${cookie}`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < containers; i += 1) {
    keys.push(reader.u16());
    cardinalities.push(reader.u16() + 1);
  }
  if (!runFlags || containers >= NO_OFFSET_THRESHOLD) reader.skip(4 * containers);
  for (let i = 0; i < containers; i += 1) {
    const base = high + (keys[i] ?? 0) * 65536;
    const cardinality = cardinalities[i] ?? 0;
    const isRun = runFlags ? ((runFlags[i >> 3] ?? 0) & (1 << (i & 7))) !== 0 : false;
    if (isRun) {
      const runs = reader.u16();
      for (let r = 0; r < runs; r += 1) {
        const start = reader.u16();
        const length = reader.u16();
        for (let v = start; v <= start + length; v += 1) out.push(base + v);
      }
    } else if (cardinality <= 4096) {
      for (let c = 0; c < cardinality; c += 1) out.push(base + reader.u16());
    } else {
      const words = reader.bytesAt(8192);
      for (let byte = 0; byte < 8192; byte += 1) {
        const bits = words[byte] ?? 0;
        if (bits === 0) continue;
        for (let bit = 0; bit < 8; bit += 1) if (bits & (1 << bit)) out.push(base + byte * 8 + bit);
      }
    }
  }
}

/** Decodes a serialised RoaringBitmapArray into ascending row indexes. */
export function decodeRoaringBitmapArray(bytes: Uint8Array): number[] {
  const reader = new ByteReader(bytes);
  const magic = reader.u32();
  if (magic !== ROARING_ARRAY_MAGIC) {
    throw new DeltaError('CORRUPT_DELETION_VECTOR', `Bad deletion vector magic ${magic}`);
  }
  const count = Number(reader.u64());
  const rows: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const key = reader.u32();
    readPortableBitmap(reader, key * 2 ** 32, rows);
  }
  return rows.sort((a, b) => a - b);
}

const MAX_ARRAY_CONTAINER = 4096;

/** Serialises one 32-bit Roaring bitmap (ascending unique values < 2^32) in the portable format, no run containers. */
function encodePortableBitmap(values: number[]): Uint8Array {
  const containers: { key: number; values: number[] }[] = [];
  for (const value of values) {
    const key = Math.floor(value / 65536);
    const last = containers[containers.length - 1];
    if (last && last.key === key) last.values.push(value % 65536);
    else containers.push({ key, values: [value % 65536] });
  }
  const headerSize = 8 + 4 * containers.length + 4 * containers.length;
  const sizes = containers.map((c) => (c.values.length > MAX_ARRAY_CONTAINER ? 8192 : 2 * c.values.length));
  const out = new Uint8Array(headerSize + sizes.reduce((a, b) => a + b, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, SERIAL_COOKIE_NO_RUNCONTAINER, true);
  view.setUint32(4, containers.length, true);
  let offset = headerSize;
  containers.forEach((container, i) => {
    view.setUint16(8 + 4 * i, container.key, true);
    view.setUint16(10 + 4 * i, container.values.length - 1, true);
    view.setUint32(8 + 4 * containers.length + 4 * i, offset, true);
    if (container.values.length > MAX_ARRAY_CONTAINER) {
      for (const v of container.values)
        out[offset + (v >> 3)] = (out[offset + (v >> 3)] ?? 0) | (1 << (v & 7));
    } else {
      container.values.forEach((v, j) => view.setUint16(offset + 2 * j, v, true));
    }
    offset += sizes[i] ?? 0;
  });
  return out;
}

/**
 * Serialises row indexes as a RoaringBitmapArray in Delta's portable format: like Delta's own writer, one 32-bit
 * bitmap per high key from 0 to the highest one (empty ones included), array containers up to 4096 values and
 * bitmap containers above, no run containers.
 */
export function encodeRoaringBitmapArray(rows: Iterable<number>): Uint8Array {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  for (const row of sorted) {
    if (!Number.isSafeInteger(row) || row < 0) {
      throw new DeltaError('INVALID_ARGUMENT', `Invalid deletion vector row index ${row}`);
    }
  }
  const buckets: number[][] = [];
  for (const row of sorted) {
    const high = Math.floor(row / 2 ** 32);
    while (buckets.length <= high) buckets.push([]);
    (buckets[high] as number[]).push(row - high * 2 ** 32);
  }
  const bitmaps = buckets.map(encodePortableBitmap);
  const out = new Uint8Array(12 + bitmaps.reduce((total, b) => total + 4 + b.byteLength, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, ROARING_ARRAY_MAGIC, true);
  view.setBigUint64(4, BigInt(bitmaps.length), true);
  let offset = 12;
  bitmaps.forEach((bitmap, key) => {
    view.setUint32(offset, key, true);
    out.set(bitmap, offset + 4);
    offset += 4 + bitmap.byteLength;
  });
  return out;
}
