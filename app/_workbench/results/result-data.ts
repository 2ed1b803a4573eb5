// Reading Arrow results for display, sorting, charts and CSV: one place that knows how apache-arrow 13 hands
// values out (bigint for 64-bit integers, epoch milliseconds for dates and timestamps, Vectors for lists).

import { DataType, Precision, type Field, type Table } from 'apache-arrow';

export interface ResultColumn {
  name: string;
  /** Short type shown in the grid header. */
  type: string;
  numeric: boolean;
  temporal: boolean;
  index: number;
}

export function describeColumns(table: Table): ResultColumn[] {
  return table.schema.fields.map((field: Field, index) => ({
    name: field.name,
    type: field.metadata.get('duckdb_type') ?? shortType(field.type),
    numeric: DataType.isInt(field.type) || DataType.isFloat(field.type) || DataType.isDecimal(field.type),
    temporal: DataType.isDate(field.type) || DataType.isTimestamp(field.type),
    index,
  }));
}

function shortType(type: DataType): string {
  // DuckDB's own names, so the browser path shows what the server path (which sends duckdb_type) shows.
  if (DataType.isInt(type)) {
    const name = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[type.bitWidth] ?? 'BIGINT';
    return type.isSigned ? name : `U${name}`;
  }
  if (DataType.isFloat(type)) return type.precision === Precision.SINGLE ? 'FLOAT' : 'DOUBLE';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (DataType.isUtf8(type)) return 'VARCHAR';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isTimestamp(type)) return 'TIMESTAMP';
  return String(type);
}

/** Column values as plain JS, materialised once per column. */
export function readColumn(table: Table, index: number): unknown[] {
  const vector = table.getChildAt(index);
  if (!vector) return [];
  const field = table.schema.fields[index] as Field;
  const values = vector.toArray() as ArrayLike<unknown>;
  const out: unknown[] = new Array(vector.length);
  // toArray() gives typed arrays without nulls; fall back to get() where a column has nulls or is not a plain
  // number column (timestamps, times and decimals come as several 32-bit words per value, not one value each).
  const direct =
    vector.nullCount === 0 &&
    (DataType.isInt(field.type) || DataType.isFloat(field.type)) &&
    ArrayBuffer.isView(values);
  for (let i = 0; i < vector.length; i += 1) out[i] = direct ? values[i] : vector.get(i);
  return out;
}

/** Decimal values arrive as 128-bit words; scale them into a number for display and charts. */
function decimalToNumber(value: unknown, scale: number): number | null {
  if (value === null || value === undefined) return null;
  const words = value as Uint32Array;
  if (!(words instanceof Uint32Array)) return Number(value);
  let big = 0n;
  for (let i = words.length - 1; i >= 0; i -= 1) big = (big << 32n) + BigInt(words[i] as number);
  const bits = BigInt(words.length * 32);
  if (big >> (bits - 1n)) big -= 1n << bits;
  return Number(big) / 10 ** scale;
}

export function toNumber(value: unknown, field?: Field): number | null {
  if (value === null || value === undefined) return null;
  if (field && DataType.isDecimal(field.type)) return decimalToNumber(value, field.type.scale);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Text of one value as the grid and CSV show it. */
export function formatValue(value: unknown, field: Field): string {
  if (value === null || value === undefined) return '';
  const type = field.type;
  if (DataType.isDecimal(type)) return String(decimalToNumber(value, type.scale));
  if (DataType.isTimestamp(type))
    return new Date(Number(value)).toISOString().replace('T', ' ').replace('Z', '');
  if (DataType.isDate(type)) return new Date(Number(value)).toISOString().slice(0, 10);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array)
    return `\\x${[...value].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
    return JSON.stringify(json, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return String(value);
}

/** Row order for a sort on one column; nulls last. */
export function sortOrder(table: Table, index: number, direction: 'asc' | 'desc'): Uint32Array {
  const values = readColumn(table, index);
  const field = table.schema.fields[index] as Field;
  const numeric =
    DataType.isInt(field.type) ||
    DataType.isFloat(field.type) ||
    DataType.isDate(field.type) ||
    DataType.isTimestamp(field.type);
  const keys = numeric
    ? values.map((v) => toNumber(v))
    : values.map((v) => (v === null ? null : formatValue(v, field)));
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  const sign = direction === 'asc' ? 1 : -1;
  order.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
  return order;
}
