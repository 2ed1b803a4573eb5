// Partition values as the writer records them (PROTOCOL.md "Partition Value Serialization") and the Hive-style
// directories that hold each partition's files, escaped like Spark (ExternalCatalogUtils.escapePathName). The log
// is authoritative; directory names only group files. Pure.

import { randomUUID } from 'node:crypto';
import { DeltaError } from '../errors';
import { quoteIdentifier, type DeltaType } from '../schema';

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * DuckDB SQL that renders a partition column as its partitionValues string: numbers as decimal text, dates
 * `YYYY-MM-DD`, timestamps as ISO-8601 UTC with microseconds (the form the protocol recommends), timestamp_ntz in
 * the zone-less space form, booleans `true`/`false`. NULL stays NULL.
 */
export function formatPartitionSql(column: string, type: DeltaType): string {
  const ref = quoteIdentifier(column);
  if (typeof type !== 'string') {
    throw new DeltaError('INVALID_ARGUMENT', `Partition column '${column}' must have a primitive type`);
  }
  switch (type) {
    case 'string':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'date':
      return `CAST(${ref} AS VARCHAR)`;
    case 'boolean':
      return `CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} THEN 'true' ELSE 'false' END`;
    case 'timestamp':
      return `strftime(${ref}, '%Y-%m-%dT%H:%M:%S.%fZ')`;
    case 'timestamp_ntz':
      return `strftime(${ref}, '%Y-%m-%d %H:%M:%S.%f')`;
    default:
      if (/^decimal\(/.test(type)) return `CAST(${ref} AS VARCHAR)`;
      throw new DeltaError(
        'INVALID_ARGUMENT',
        `Column '${column}' of type ${type} cannot be a partition column`,
      );
  }
}

// Characters Spark escapes in partition directory names (ExternalCatalogUtils.charToEscape).
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007f', '{', '[', ']', '^']);

/** Escapes a partition column name or value for a directory name, like Spark. */
export function escapePathName(text: string): string {
  let result = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code >= 0x01 && code <= 0x1f) || ESCAPED.has(char)) {
      result += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else result += char;
  }
  return result;
}

/** The partition directory (`a=1/b=x`) of a file; '' for unpartitioned tables. Null and '' go to the Hive default. */
export function buildPartitionDir(
  partitionColumns: string[],
  partitionValues: Record<string, string | null>,
): string {
  return partitionColumns
    .map((column) => {
      const value = partitionValues[column];
      const text = value === null || value === undefined || value === '' ? HIVE_DEFAULT_PARTITION : value;
      return `${escapePathName(column)}=${escapePathName(text)}`;
    })
    .join('/');
}

// RFC 3986 pchar without percent-escapes: what may stay literal in a URI path segment.
const URI_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

/** Percent-encodes a relative path for `add.path` (a URI): each segment once, '/' kept. */
export function encodePathUri(relativePath: string): string {
  return relativePath
    .split('/')
    .map((segment) =>
      Array.from(segment)
        .map((char) =>
          URI_SAFE.test(char)
            ? char
            : Array.from(Buffer.from(char, 'utf8'))
                .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
                .join(''),
        )
        .join(''),
    )
    .join('/');
}

/** A unique data file name in Spark's pattern, e.g. `part-00003-<uuid>-c000.zstd.parquet` (`cdc-…` for change
 * data files). */
export function makeDataFileName(index: number, prefix: 'part' | 'cdc' = 'part'): string {
  return `${prefix}-${String(index).padStart(5, '0')}-${randomUUID()}-c000.zstd.parquet`;
}
