// Row checksums computed inside a database, identically in every engine (the sources' SQL dialects and DuckDB over
// a Delta snapshot), so reconcile compares a source table with its Delta table without moving either (issue 14).
// Pure: SQL text only. Each row becomes a canonical text, chosen by the column's Delta type:
//   integers            plain digits                      decimal(p,s)  plain digits with exactly s decimals
//   date                YYYY-MM-DD                        timestamp     epoch microseconds (UTC)
//   boolean             true / false                      binary        lower-case hex
//   string              the text itself, with '%' → '%25' and '|' → '%7C', so the separator cannot be confused
// NULL is '%N' (no escaped text can be that), fields are joined by '|'. md5 of the UTF-8 bytes, and a 60-bit
// integer from its first 15 hex digits, so a SUM over any table fits every engine's exact numeric type.
// Floating-point columns (double, float) and nested types are left out: their text differs between engines
// (shortest round-trip vs 15 or 17 digits) and rounding it would make equal values differ at the edges; the
// comparison says which columns it left out.

import { SourceError, assertIdentifier, type SourceColumn } from './source';

export type CanonicalKind = 'integer' | 'decimal' | 'string' | 'date' | 'timestamp' | 'boolean' | 'binary';

/** How a column's canonical text is made: its kind, and the scale of a decimal. */
export interface CanonicalType {
  kind: CanonicalKind;
  precision?: number;
  scale?: number;
}

/** The canonical kind of a Delta type, or null for types left out of checksums (float, double, nested). */
export function canonicalTypeOf(deltaType: string): CanonicalType | null {
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(deltaType);
  if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  switch (deltaType) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return { kind: 'integer' };
    case 'string':
      return { kind: 'string' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
    case 'timestamp_ntz':
      return { kind: 'timestamp' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'binary':
      return { kind: 'binary' };
    default:
      return null;
  }
}

/** A column taking part in a checksum: its name, its source column (source side only) and canonical type. */
export interface ChecksumColumn {
  name: string;
  type: CanonicalType;
  /** The source's description, for the source side (the dialect renders from the source type). */
  source?: SourceColumn;
}

/** What an engine must supply: its spelling of the few operations the checksum is made of. */
export interface ChecksumDialect {
  /** The table, validated and quoted, as it goes after FROM. */
  from: string;
  quote(name: string): string;
  /** Canonical text of a column (NULL stays NULL; strings not yet escaped). */
  canonical(column: ChecksumColumn): string;
  /** Lower-case hex md5 of a text expression's UTF-8 bytes. */
  md5(text: string): string;
  /** The integer value of a 15-hex-digit text expression. */
  hexToInt(hex: string): string;
  /** Text concatenation of expressions (none of them NULL). */
  concat(parts: string[]): string;
  /** A numeric expression as text (counts, sums, buckets). */
  toText(expression: string): string;
  /** Text literal. */
  literal(text: string): string;
  /** A key column as the extract renders it (what a re-extract by key compares with). */
  renderKey(column: SourceColumn): string;
}

export const NULL_MARKER = '%N';
export const FIELD_SEPARATOR = '|';

/** One field: the canonical text, strings escaped, NULL as the marker. */
function field(dialect: ChecksumDialect, column: ChecksumColumn): string {
  const text = dialect.canonical(column);
  const escaped =
    column.type.kind === 'string'
      ? `REPLACE(REPLACE(${text}, ${dialect.literal('%')}, ${dialect.literal('%25')}), ${dialect.literal('|')}, ${dialect.literal('%7C')})`
      : text;
  return `COALESCE(${escaped}, ${dialect.literal(NULL_MARKER)})`;
}

/** The canonical text of a row (or of its key): fields joined by the separator. */
export function buildRowText(dialect: ChecksumDialect, columns: ChecksumColumn[]): string {
  const parts: string[] = [];
  columns.forEach((column, index) => {
    if (index > 0) parts.push(dialect.literal(FIELD_SEPARATOR));
    parts.push(field(dialect, column));
  });
  return parts.length === 1 ? (parts[0] as string) : dialect.concat(parts);
}

/** The 60-bit integer of a text: md5, first 15 hex digits. */
export function buildHash60(dialect: ChecksumDialect, text: string): string {
  return dialect.hexToInt(`SUBSTR(${dialect.md5(text)}, 1, 15)`);
}

export interface ChecksumQueryInput {
  keys: ChecksumColumn[];
  /** Every compared column, keys included, in a fixed order (the same on both sides). */
  columns: ChecksumColumn[];
  /** Number of chunks rows are bucketed into by the hash of their key. */
  buckets: number;
}

/** Inner select: bucket, key text and row hash of every row. */
function buildHashedRows(dialect: ChecksumDialect, input: ChecksumQueryInput, extra: string[] = []): string {
  if (!Number.isInteger(input.buckets) || input.buckets < 1) {
    throw new SourceError(
      'INVALID_IDENTIFIER',
      `Bucket count must be a positive integer, not ${input.buckets}`,
    );
  }
  for (const column of input.columns) assertIdentifier(column.name);
  const keyText = buildRowText(dialect, input.keys);
  return (
    `SELECT MOD(${buildHash60(dialect, keyText)}, ${input.buckets}) AS rc_bucket, ${keyText} AS rc_key, ` +
    `${buildHash60(dialect, buildRowText(dialect, input.columns))} AS rc_hash${extra.map((e) => `, ${e}`).join('')} ` +
    `FROM ${dialect.from}`
  );
}

/** Per bucket: count of rows and sum of row hashes, as text. Rows: [bucket, count, sum]. */
export function buildBucketSumsSql(dialect: ChecksumDialect, input: ChecksumQueryInput): string {
  return (
    `SELECT ${dialect.toText('rc_bucket')} AS rc_b, ${dialect.toText('COUNT(*)')} AS rc_n, ` +
    `${dialect.toText('SUM(rc_hash)')} AS rc_s ` +
    `FROM (${buildHashedRows(dialect, input)}) rc GROUP BY rc_bucket`
  );
}

/**
 * Key text and row hash of every row in the given buckets, plus `extra` expressions (the source's key values as
 * its extract renders them, for re-extraction). Rows: [key text, hash, ...extra].
 */
export function buildBucketRowsSql(
  dialect: ChecksumDialect,
  input: ChecksumQueryInput,
  buckets: number[],
  extra: string[] = [],
): string {
  if (buckets.length === 0 || buckets.some((bucket) => !Number.isInteger(bucket) || bucket < 0)) {
    throw new SourceError('INVALID_IDENTIFIER', 'Bucket numbers must be non-negative integers');
  }
  const extras = extra.map((expression, index) => `${expression} AS rc_x${index}`);
  const selectExtras = extra.map((_, index) => `, rc_x${index}`).join('');
  return (
    `SELECT rc_key, ${dialect.toText('rc_hash')} AS rc_h${selectExtras} FROM (${buildHashedRows(dialect, input, extras)}) rc ` +
    `WHERE rc_bucket IN (${buckets.join(', ')})`
  );
}
