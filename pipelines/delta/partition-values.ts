// Typed partition values (PROTOCOL-NOTES §5). The log is authoritative: values come from add.partitionValues, never
// from directory names. null, a missing key and '' all mean NULL.

import { DeltaError } from './errors';
import { quoteLiteral, toDuckDbType, type DeltaType } from './schema';

export type PartitionValue = string | number | bigint | boolean | Uint8Array | null;

// The time may be absent: a partition written as a date before the column was widened to timestamp_ntz holds
// `YYYY-MM-DD`, which is midnight.
const TIMESTAMP_TEXT =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses a timestamp partition string to microseconds since the epoch. Without a zone the text is read as UTC
 * (what Spark writes when its session zone is UTC); an explicit `Z` or offset is honoured.
 */
export function parseTimestampMicros(text: string): bigint {
  const match = TIMESTAMP_TEXT.exec(text.trim());
  if (!match) throw new DeltaError('CORRUPT_LOG', `Invalid timestamp partition value '${text}'`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const epochMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
  );
  let micros = BigInt(epochMs) * 1000n + BigInt((fraction ?? '').padEnd(6, '0').slice(0, 6) || '0');
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    micros -= sign * offsetMinutes * 60_000_000n;
  }
  return micros;
}

/** Formats microseconds since the epoch as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC. */
export function formatTimestampMicros(micros: bigint): string {
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const date = new Date(Number(ms));
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const millis = iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${millis}${String(rest).padStart(3, '0')}`;
}

/** Converts a partition string to a typed value: numbers, bigint for long, booleans, bytes; dates, timestamps
 * (UTC `YYYY-MM-DD HH:MM:SS.ffffff`) and decimals stay text. */
export function parsePartitionValue(raw: string | null | undefined, type: DeltaType): PartitionValue {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof type !== 'string')
    throw new DeltaError('CORRUPT_LOG', 'Partition columns must have a primitive type');
  switch (type) {
    case 'string':
      return raw;
    case 'long':
      return BigInt(raw);
    case 'integer':
    case 'short':
    case 'byte':
    case 'float':
    case 'double': {
      const value = Number(raw);
      if (Number.isNaN(value) && raw !== 'NaN')
        throw new DeltaError('CORRUPT_LOG', `Invalid ${type} '${raw}'`);
      return value;
    }
    case 'boolean':
      if (raw.toLowerCase() === 'true') return true;
      if (raw.toLowerCase() === 'false') return false;
      throw new DeltaError('CORRUPT_LOG', `Invalid boolean partition value '${raw}'`);
    case 'binary':
      return new TextEncoder().encode(raw);
    case 'date':
      if (!/^-?\d{4,}-\d{2}-\d{2}$/.test(raw)) throw new DeltaError('CORRUPT_LOG', `Invalid date '${raw}'`);
      return raw;
    case 'timestamp':
      return formatTimestampMicros(parseTimestampMicros(raw));
    case 'timestamp_ntz':
      return formatTimestampMicros(parseTimestampMicros(raw.replace(/Z$/, '')));
    default:
      if (/^decimal\(/.test(type)) {
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
          throw new DeltaError('CORRUPT_LOG', `Invalid decimal partition value '${raw}'`);
        }
        return raw;
      }
      throw new DeltaError('UNSUPPORTED_FEATURE', `Unsupported partition column type '${type}'`);
  }
}

/** True when a timestamp partition string carries its own zone (`Z` or an offset). */
export function hasExplicitZone(text: string): boolean {
  return /(Z|[+-]\d{2}:?\d{2})$/.test(text.trim()) && /[T ]\d{2}:\d{2}/.test(text);
}

/**
 * A DuckDB SQL expression of the partition value with the column's type. `timeZone` is the writer's zone for
 * `timestamp` values written without one (PROTOCOL-NOTES §5); UTC when not given.
 */
export function toPartitionSqlLiteral(
  raw: string | null | undefined,
  type: DeltaType,
  timeZone?: string,
): string {
  const duckType = toDuckDbType(type);
  const value = parsePartitionValue(raw, type);
  if (value === null) return `CAST(NULL AS ${duckType})`;
  if (value instanceof Uint8Array) return `unhex(${quoteLiteral(Buffer.from(value).toString('hex'))})`;
  if (type === 'timestamp') {
    if (timeZone && timeZone !== 'UTC' && raw && !hasExplicitZone(raw)) {
      return `timezone(${quoteLiteral(timeZone)}, CAST(${quoteLiteral(String(value))} AS TIMESTAMP))`;
    }
    return `CAST(${quoteLiteral(`${String(value)}+00`)} AS TIMESTAMPTZ)`;
  }
  return `CAST(${quoteLiteral(String(value))} AS ${duckType})`;
}
