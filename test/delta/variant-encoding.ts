// A small encoder of the Parquet Variant binary encoding (the one Delta's `variantType` stores as a struct of
// `metadata` and `value` binaries; parquet-format VariantEncoding.md), for tests: it builds values of every
// primitive type, objects and arrays, so the reader's decoding can be checked byte for byte without Spark.

export type Variant =
  | { kind: 'primitive'; typeId: number; payload: Uint8Array }
  | { kind: 'shortString'; text: string }
  | { kind: 'object'; fields: [string, Variant][] }
  | { kind: 'array'; elements: Variant[] };

const PRIMITIVE = {
  null: 0,
  true: 1,
  false: 2,
  int8: 3,
  int16: 4,
  int32: 5,
  int64: 6,
  double: 7,
  decimal4: 8,
  decimal8: 9,
  decimal16: 10,
  date: 11,
  timestamp: 12,
  timestampNtz: 13,
  float: 14,
  binary: 15,
  string: 16,
  uuid: 20,
} as const;

function primitive(typeId: number, payload: Uint8Array = new Uint8Array()): Variant {
  return { kind: 'primitive', typeId, payload };
}

function littleEndian(value: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let rest = BigInt.asUintN(bytes * 8, value);
  for (let i = 0; i < bytes; i += 1) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function withLength(bytes: Uint8Array): Uint8Array {
  return new Uint8Array([...littleEndian(BigInt(bytes.length), 4), ...bytes]);
}

export const v = {
  null: () => primitive(PRIMITIVE.null),
  bool: (value: boolean) => primitive(value ? PRIMITIVE.true : PRIMITIVE.false),
  int8: (value: number) => primitive(PRIMITIVE.int8, littleEndian(BigInt(value), 1)),
  int16: (value: number) => primitive(PRIMITIVE.int16, littleEndian(BigInt(value), 2)),
  int32: (value: number) => primitive(PRIMITIVE.int32, littleEndian(BigInt(value), 4)),
  int64: (value: bigint) => primitive(PRIMITIVE.int64, littleEndian(value, 8)),
  double: (value: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    return primitive(PRIMITIVE.double, new Uint8Array(view.buffer));
  },
  float: (value: number) => {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    return primitive(PRIMITIVE.float, new Uint8Array(view.buffer));
  },
  /** Decimal of `unscaled` × 10^-scale in 4, 8 or 16 bytes (decimal4/8/16). */
  decimal: (unscaled: bigint, scale: number, bytes: 4 | 8 | 16) =>
    primitive(
      bytes === 4 ? PRIMITIVE.decimal4 : bytes === 8 ? PRIMITIVE.decimal8 : PRIMITIVE.decimal16,
      new Uint8Array([scale, ...littleEndian(unscaled, bytes)]),
    ),
  /** Days since 1970-01-01. */
  date: (days: number) => primitive(PRIMITIVE.date, littleEndian(BigInt(days), 4)),
  /** Microseconds since the epoch, UTC-adjusted. */
  timestamp: (micros: bigint) => primitive(PRIMITIVE.timestamp, littleEndian(micros, 8)),
  /** Microseconds since the epoch, no time zone. */
  timestampNtz: (micros: bigint) => primitive(PRIMITIVE.timestampNtz, littleEndian(micros, 8)),
  binary: (bytes: Uint8Array) => primitive(PRIMITIVE.binary, withLength(bytes)),
  /** The long string form (primitive type 16), which any length may use. */
  string: (text: string) => primitive(PRIMITIVE.string, withLength(new TextEncoder().encode(text))),
  /** The short string form (basic type 1), at most 63 bytes. */
  shortString: (text: string): Variant => ({ kind: 'shortString', text }),
  /** A UUID, 16 bytes big-endian. */
  uuid: (text: string) =>
    primitive(PRIMITIVE.uuid, Uint8Array.from(Buffer.from(text.replace(/-/g, ''), 'hex'))),
  object: (fields: Record<string, Variant>): Variant => ({ kind: 'object', fields: Object.entries(fields) }),
  array: (elements: Variant[]): Variant => ({ kind: 'array', elements }),
};

function collectKeys(value: Variant, keys: Set<string>): void {
  if (value.kind === 'object') {
    for (const [key, child] of value.fields) {
      keys.add(key);
      collectKeys(child, keys);
    }
  } else if (value.kind === 'array') for (const child of value.elements) collectKeys(child, keys);
}

function sizeFor(max: number): number {
  return max <= 0xff ? 1 : max <= 0xffff ? 2 : max <= 0xffffff ? 3 : 4;
}

function encodeValue(value: Variant, ids: Map<string, number>): Uint8Array {
  switch (value.kind) {
    case 'primitive':
      return new Uint8Array([value.typeId << 2, ...value.payload]);
    case 'shortString': {
      const bytes = new TextEncoder().encode(value.text);
      if (bytes.length > 63) throw new Error('A short string holds at most 63 bytes');
      return new Uint8Array([(bytes.length << 2) | 1, ...bytes]);
    }
    case 'object': {
      // Field ids are listed in the lexicographic order of their names (the spec requires it).
      const fields = [...value.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const children = fields.map(([, child]) => encodeValue(child, ids));
      const fieldIds = fields.map(([key]) => ids.get(key) as number);
      const offsets = [0];
      for (const child of children) offsets.push((offsets.at(-1) as number) + child.length);
      const large = fields.length > 0xff;
      const idSize = sizeFor(Math.max(0, ...fieldIds));
      const offsetSize = sizeFor(offsets.at(-1) as number);
      const header = ((large ? 1 : 0) << 6) | ((idSize - 1) << 4) | ((offsetSize - 1) << 2) | 2;
      return new Uint8Array([
        header,
        ...littleEndian(BigInt(fields.length), large ? 4 : 1),
        ...fieldIds.flatMap((id) => [...littleEndian(BigInt(id), idSize)]),
        ...offsets.flatMap((offset) => [...littleEndian(BigInt(offset), offsetSize)]),
        ...children.flatMap((child) => [...child]),
      ]);
    }
    case 'array': {
      const children = value.elements.map((child) => encodeValue(child, ids));
      const offsets = [0];
      for (const child of children) offsets.push((offsets.at(-1) as number) + child.length);
      const large = children.length > 0xff;
      const offsetSize = sizeFor(offsets.at(-1) as number);
      const header = ((large ? 1 : 0) << 4) | ((offsetSize - 1) << 2) | 3;
      return new Uint8Array([
        header,
        ...littleEndian(BigInt(children.length), large ? 4 : 1),
        ...offsets.flatMap((offset) => [...littleEndian(BigInt(offset), offsetSize)]),
        ...children.flatMap((child) => [...child]),
      ]);
    }
  }
}

/** The `metadata` (version 1, sorted dictionary of every object key) and `value` binaries of a variant. */
export function encodeVariant(value: Variant): { metadata: Uint8Array; value: Uint8Array } {
  const keySet = new Set<string>();
  collectKeys(value, keySet);
  const keys = [...keySet].sort();
  const ids = new Map(keys.map((key, index) => [key, index]));
  const encodedKeys = keys.map((key) => new TextEncoder().encode(key));
  const offsets = [0];
  for (const key of encodedKeys) offsets.push((offsets.at(-1) as number) + key.length);
  const offsetSize = sizeFor(Math.max(keys.length, offsets.at(-1) as number));
  // Header: version 1, sorted_strings bit (4), offset_size_minus_one in bits 6-7.
  const header = 1 | (1 << 4) | ((offsetSize - 1) << 6);
  const metadata = new Uint8Array([
    header,
    ...littleEndian(BigInt(keys.length), offsetSize),
    ...offsets.flatMap((offset) => [...littleEndian(BigInt(offset), offsetSize)]),
    ...encodedKeys.flatMap((key) => [...key]),
  ]);
  return { metadata, value: encodeValue(value, ids) };
}

/** A DuckDB BLOB literal of bytes ('\xNN…'::BLOB). */
export function toBlobLiteral(bytes: Uint8Array): string {
  return `'${[...bytes].map((byte) => `\\x${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('')}'::BLOB`;
}

/** A DuckDB struct literal of a variant as Delta stores it: {value, metadata}. */
export function toVariantStructLiteral(value: Variant): string {
  const encoded = encodeVariant(value);
  return `{'value': ${toBlobLiteral(encoded.value)}, 'metadata': ${toBlobLiteral(encoded.metadata)}}`;
}
