// Decodes a Delta variant (PROTOCOL.md "Variant Data Type": the Parquet Variant binary encoding, a `metadata`
// binary holding the dictionary of object keys and a `value` binary) into JSON text the way Spark's
// `to_json(variant)` writes it: decimals in plain notation, NaN and infinities as strings, dates, timestamps,
// binaries (base64) and UUIDs as strings. DuckDB 1.5 has a VARIANT type of its own, but its JSON rendering is not
// valid JSON for every value (decimals below 1 come out as `.1`, NaN unquoted), so the reader decodes here.

export class VariantDecodeError extends Error {
  constructor(message: string) {
    super(`Invalid variant value: ${message}`);
    this.name = 'VariantDecodeError';
  }
}

interface Metadata {
  keys: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readUnsigned(bytes: Uint8Array, offset: number, size: number): number {
  if (offset + size > bytes.length) throw new VariantDecodeError('truncated');
  let result = 0;
  for (let i = size - 1; i >= 0; i -= 1) result = result * 256 + (bytes[offset + i] as number);
  return result;
}

function readBigInt(bytes: Uint8Array, offset: number, size: number): bigint {
  if (offset + size > bytes.length) throw new VariantDecodeError('truncated');
  let result = 0n;
  for (let i = size - 1; i >= 0; i -= 1) result = (result << 8n) | BigInt(bytes[offset + i] as number);
  return BigInt.asIntN(size * 8, result);
}

function readText(bytes: Uint8Array, start: number, length: number): string {
  if (start + length > bytes.length) throw new VariantDecodeError('truncated string');
  // ASCII, by far the usual case for keys and short strings, without TextDecoder's per-call cost (microseconds,
  // which dominated decoding).
  if (length <= 64) {
    let ascii = '';
    let i = start;
    for (; i < start + length; i += 1) {
      const byte = bytes[i] as number;
      if (byte >= 0x80) break;
      ascii += String.fromCharCode(byte);
    }
    if (i === start + length) return ascii;
  }
  try {
    return utf8.decode(bytes.subarray(start, start + length));
  } catch {
    throw new VariantDecodeError('string is not UTF-8');
  }
}

/** The key dictionary of a metadata binary (header: version 1, sorted flag, offset size). */
export function decodeMetadata(bytes: Uint8Array): Metadata {
  const header = bytes[0];
  if (header === undefined) throw new VariantDecodeError('empty metadata');
  const version = header & 0x0f;
  if (version !== 1) throw new VariantDecodeError(`metadata version ${version} (only 1 is defined)`);
  const offsetSize = ((header >> 6) & 0x03) + 1;
  const count = readUnsigned(bytes, 1, offsetSize);
  const offsetsStart = 1 + offsetSize;
  const stringsStart = offsetsStart + (count + 1) * offsetSize;
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const from = readUnsigned(bytes, offsetsStart + i * offsetSize, offsetSize);
    const to = readUnsigned(bytes, offsetsStart + (i + 1) * offsetSize, offsetSize);
    if (to < from) throw new VariantDecodeError('metadata offsets decrease');
    keys.push(readText(bytes, stringsStart + from, to - from));
  }
  return { keys };
}

function pad(value: number | bigint, width: number): string {
  return String(value).padStart(width, '0');
}

/** Plain decimal text of unscaled × 10^-scale (BigDecimal.toPlainString: the scale's digits are kept). */
function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Date of days since the epoch as yyyy-MM-dd (proleptic Gregorian, as Spark's). */
function formatDate(days: number): string {
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** "yyyy-MM-dd HH:mm:ss.ffffff" (fractionDigits digits) of a count of `unitsPerSecond` since the epoch, UTC. */
function formatTimestamp(units: bigint, unitsPerSecond: bigint, fractionDigits: number): string {
  let seconds = units / unitsPerSecond;
  let fraction = units % unitsPerSecond;
  if (fraction < 0n) {
    fraction += unitsPerSecond;
    seconds -= 1n;
  }
  const days = Number(seconds >= 0n ? seconds / 86_400n : (seconds - 86_399n) / 86_400n);
  const secondOfDay = Number(seconds - BigInt(days) * 86_400n);
  const time = `${pad(Math.floor(secondOfDay / 3600), 2)}:${pad(Math.floor(secondOfDay / 60) % 60, 2)}:${pad(secondOfDay % 60, 2)}`;
  return `${formatDate(days)} ${time}.${pad(fraction, fractionDigits)}`;
}

function formatTime(micros: bigint): string {
  const seconds = Number(micros / 1_000_000n);
  const fraction = micros % 1_000_000n;
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(fraction, 6)}`;
}

/** Shortest text that reads back as the same float32 (Java's Float.toString precision, not the double's). */
function formatFloat(value: number): string {
  for (let precision = 1; precision <= 9; precision += 1) {
    const text = value.toPrecision(precision);
    if (Math.fround(Number(text)) === value) return JSON.stringify(Number(text));
  }
  return JSON.stringify(value);
}

/** Doubles and floats: NaN and infinities have no JSON number, so they become strings (as Jackson writes them). */
function formatFloating(value: number, single: boolean): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  return single ? formatFloat(value) : JSON.stringify(value);
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function decodePrimitive(bytes: Uint8Array, pos: number, typeId: number): string {
  const body = pos + 1;
  switch (typeId) {
    case 0:
      return 'null';
    case 1:
      return 'true';
    case 2:
      return 'false';
    case 3:
      return readBigInt(bytes, body, 1).toString();
    case 4:
      return readBigInt(bytes, body, 2).toString();
    case 5:
      return readBigInt(bytes, body, 4).toString();
    case 6:
      return readBigInt(bytes, body, 8).toString();
    case 7: {
      if (body + 8 > bytes.length) throw new VariantDecodeError('truncated double');
      return formatFloating(
        new DataView(bytes.buffer, bytes.byteOffset + body, 8).getFloat64(0, true),
        false,
      );
    }
    case 8:
    case 9:
    case 10: {
      const size = typeId === 8 ? 4 : typeId === 9 ? 8 : 16;
      const scale = readUnsigned(bytes, body, 1);
      if (scale > 38) throw new VariantDecodeError(`decimal scale ${scale}`);
      return formatDecimal(readBigInt(bytes, body + 1, size), scale);
    }
    case 11:
      return JSON.stringify(formatDate(Number(readBigInt(bytes, body, 4))));
    case 12:
      return JSON.stringify(`${formatTimestamp(readBigInt(bytes, body, 8), 1_000_000n, 6)}+00:00`);
    case 13:
      return JSON.stringify(formatTimestamp(readBigInt(bytes, body, 8), 1_000_000n, 6));
    case 14: {
      if (body + 4 > bytes.length) throw new VariantDecodeError('truncated float');
      return formatFloating(new DataView(bytes.buffer, bytes.byteOffset + body, 4).getFloat32(0, true), true);
    }
    case 15: {
      const length = readUnsigned(bytes, body, 4);
      if (body + 4 + length > bytes.length) throw new VariantDecodeError('truncated binary');
      return JSON.stringify(Buffer.from(bytes.subarray(body + 4, body + 4 + length)).toString('base64'));
    }
    case 16:
      return JSON.stringify(readText(bytes, body + 4, readUnsigned(bytes, body, 4)));
    case 17:
      return JSON.stringify(formatTime(readBigInt(bytes, body, 8)));
    case 18:
      return JSON.stringify(`${formatTimestamp(readBigInt(bytes, body, 8), 1_000_000_000n, 9)}+00:00`);
    case 19:
      return JSON.stringify(formatTimestamp(readBigInt(bytes, body, 8), 1_000_000_000n, 9));
    case 20: {
      if (body + 16 > bytes.length) throw new VariantDecodeError('truncated uuid');
      return JSON.stringify(formatUuid(bytes.subarray(body, body + 16)));
    }
    default:
      throw new VariantDecodeError(`unknown primitive type ${typeId}`);
  }
}

interface DecodeState {
  metadata: Metadata;
  /** Values decoded so far: each takes at least its header byte, so more than the binary's length means elements
   * point at the same bytes, which could make a small crafted value expand without bound (and block the thread). */
  values: number;
  /** Characters of object keys written so far: a key is stored once and may be used by every object. */
  keyChars: number;
}

/** Most key text one value may produce (far beyond any real document; keeps a crafted one from exhausting memory). */
const MAX_KEY_CHARS = 64 * 1024 * 1024;

function decodeValue(bytes: Uint8Array, pos: number, state: DecodeState, depth: number): string {
  if (depth > 256) throw new VariantDecodeError('nested too deeply');
  state.values += 1;
  if (state.values > bytes.length) throw new VariantDecodeError('elements overlap');
  const metadata = state.metadata;
  const header = bytes[pos];
  if (header === undefined) throw new VariantDecodeError('truncated');
  const basicType = header & 0x03;
  const valueHeader = header >> 2;
  if (basicType === 0) return decodePrimitive(bytes, pos, valueHeader);
  if (basicType === 1) return JSON.stringify(readText(bytes, pos + 1, valueHeader));
  if (basicType === 2) {
    const offsetSize = (valueHeader & 0x03) + 1;
    const idSize = ((valueHeader >> 2) & 0x03) + 1;
    const countSize = (valueHeader >> 4) & 0x01 ? 4 : 1;
    const count = readUnsigned(bytes, pos + 1, countSize);
    const idsStart = pos + 1 + countSize;
    const offsetsStart = idsStart + count * idSize;
    const valuesStart = offsetsStart + (count + 1) * offsetSize;
    const members: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = readUnsigned(bytes, idsStart + i * idSize, idSize);
      const key = metadata.keys[id];
      if (key === undefined) throw new VariantDecodeError(`field id ${id} is not in the metadata`);
      state.keyChars += key.length;
      if (state.keyChars > MAX_KEY_CHARS) throw new VariantDecodeError('object keys exceed 64 MiB of text');
      const offset = readUnsigned(bytes, offsetsStart + i * offsetSize, offsetSize);
      members.push(`${JSON.stringify(key)}:${decodeValue(bytes, valuesStart + offset, state, depth + 1)}`);
    }
    return `{${members.join(',')}}`;
  }
  const offsetSize = (valueHeader & 0x03) + 1;
  const countSize = (valueHeader >> 2) & 0x01 ? 4 : 1;
  const count = readUnsigned(bytes, pos + 1, countSize);
  const offsetsStart = pos + 1 + countSize;
  const valuesStart = offsetsStart + (count + 1) * offsetSize;
  const elements: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const offset = readUnsigned(bytes, offsetsStart + i * offsetSize, offsetSize);
    elements.push(decodeValue(bytes, valuesStart + offset, state, depth + 1));
  }
  return `[${elements.join(',')}]`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

// Rows of a column usually share one metadata binary (the same keys): the last one decoded is kept, with a copy of
// its bytes (callers may pass views of memory that is reused after the call).
let lastMetadata: { bytes: Uint8Array; decoded: Metadata } | null = null;

function decodeMetadataCached(bytes: Uint8Array): Metadata {
  if (lastMetadata && sameBytes(lastMetadata.bytes, bytes)) return lastMetadata.decoded;
  const decoded = decodeMetadata(bytes);
  lastMetadata = { bytes: bytes.slice(), decoded };
  return decoded;
}

/** JSON text of a variant given its `value` and `metadata` binaries; VariantDecodeError on malformed input. */
export function variantToJson(value: Uint8Array, metadata: Uint8Array): string {
  return decodeValue(value, 0, { metadata: decodeMetadataCached(metadata), values: 0, keyChars: 0 }, 0);
}
