// Which live files a merge must rewrite: those whose key ranges can hold one of the incoming keys. Each file's
// range per key column comes from its stats (min/max; a timestamp max is widened by 1 ms because stats truncate to
// milliseconds) or, for partition columns, its partition value. DuckDB joins the incoming keys against the ranges,
// so the test is exact at the range level however many keys arrive. Files without usable stats are always read.

import type { DuckDbSession } from '../../engine/duckdb-session';
import { toSqlString } from '../../engine/duckdb-session';
import type { AddFile } from '../actions';
import { quoteIdentifier, toDuckDbType } from '../schema';
import type { Snapshot } from '../snapshot';
import { getStatValue, parseFileStats } from '../stats';
import { renderBoundSql } from './file-stats';

type Bound = string | null;

interface FileRange {
  index: number;
  lo: Bound[];
  hi: Bound[];
}

function toBound(value: unknown): Bound {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : String(value);
}

/** Key ranges of one file, 'unknown' when it must be read anyway, or 'empty' when it cannot hold a non-null key. */
export function getFileKeyRange(
  file: AddFile,
  keys: string[],
  partitionColumns: string[],
): { lo: Bound[]; hi: Bound[] } | 'unknown' | 'empty' {
  const stats =
    partitionColumns.length === keys.length && keys.every((k) => partitionColumns.includes(k))
      ? null
      : parseFileStats(file);
  const lo: Bound[] = [];
  const hi: Bound[] = [];
  for (const key of keys) {
    if (partitionColumns.includes(key)) {
      const value = file.partitionValues[key];
      if (value === null || value === undefined || value === '') return 'empty';
      lo.push(value);
      hi.push(value);
      continue;
    }
    if (!stats) return 'unknown';
    const min = toBound(getStatValue(stats.minValues, [key]));
    const max = toBound(getStatValue(stats.maxValues, [key]));
    if (min === null || max === null) {
      const nulls = Number(getStatValue(stats.nullCount, [key]));
      if (stats.numRecords !== undefined && nulls === stats.numRecords) return 'empty';
      return 'unknown';
    }
    lo.push(min);
    hi.push(max);
  }
  return { lo, hi };
}

/** Live files that may contain a key of the staged source table. */
export async function selectCandidateFiles(
  duckdb: DuckDbSession,
  snapshot: Snapshot,
  stagedTable: string,
  keys: string[],
): Promise<AddFile[]> {
  const keyTypes = keys.map((key) => snapshot.schema.fields.find((field) => field.name === key)?.type);
  if (keyTypes.some((type) => typeof type !== 'string' || type === 'binary' || type === 'boolean')) {
    return snapshot.files;
  }
  const always = new Set<number>();
  const ranges: FileRange[] = [];
  snapshot.files.forEach((file, index) => {
    const range = getFileKeyRange(file, keys, snapshot.partitionColumns);
    if (range === 'unknown') always.add(index);
    else if (range !== 'empty') ranges.push({ index, ...range });
  });
  const selected = new Set(always);
  const BATCH = 5000;
  for (let start = 0; start < ranges.length; start += BATCH) {
    const batch = ranges.slice(start, start + BATCH);
    const rows = batch.map(
      (range) =>
        `(${[range.index, ...range.lo.map((v) => toSqlString(v ?? '')), ...range.hi.map((v) => toSqlString(v ?? ''))].join(', ')})`,
    );
    const columns = ['idx', ...keys.map((_, i) => `lo${i}`), ...keys.map((_, i) => `hi${i}`)];
    const conditions = keys.map((key, i) => {
      const type = toDuckDbType(keyTypes[i] as string);
      const widen =
        keyTypes[i] === 'timestamp' || keyTypes[i] === 'timestamp_ntz' ? ` + INTERVAL 1 millisecond` : '';
      return `s.${quoteIdentifier(key)} BETWEEN CAST(r.lo${i} AS ${type}) AND CAST(r.hi${i} AS ${type})${widen}`;
    });
    const found = await duckdb.queryJson(
      `SELECT DISTINCT r.idx FROM (VALUES ${rows.join(', ')}) r(${columns.join(', ')}) JOIN ${stagedTable} s ON ${conditions.join(' AND ')}`,
    );
    for (const row of found) selected.add(Number(row.idx));
  }
  return snapshot.files.filter((_, index) => selected.has(index));
}

const NUMERIC = /^(byte|short|integer|long|float|double|decimal\(.*\))$/;

/** The incoming keys' bounding box: per key [min, max] as stats-formatted text, null when all keys are NULL. */
export async function readSourceKeyBounds(
  duckdb: DuckDbSession,
  snapshot: Snapshot,
  stagedTable: string,
  keys: string[],
): Promise<({ lo: string; hi: string } | null)[]> {
  const selects = keys.flatMap((key, i) => {
    const type = snapshot.schema.fields.find((field) => field.name === key)?.type;
    const ref = quoteIdentifier(key);
    if (typeof type !== 'string') return [`NULL AS lo${i}`, `NULL AS hi${i}`];
    return [
      `${renderBoundSql(`min(${ref})`, type, 'min')} AS lo${i}`,
      `${renderBoundSql(`max(${ref})`, type, 'max')} AS hi${i}`,
    ];
  });
  const row = (await duckdb.queryJson(`SELECT ${selects.join(', ')} FROM ${stagedTable}`))[0] ?? {};
  return keys.map((_, i) => {
    const lo = row[`lo${i}`];
    const hi = row[`hi${i}`];
    if (typeof lo !== 'string' || typeof hi !== 'string') return null;
    const parse = (text: string): string => {
      const value: unknown = JSON.parse(text);
      return typeof value === 'string' ? value : text;
    };
    return { lo: parse(lo), hi: parse(hi) };
  });
}

/**
 * True when a file (e.g. one a concurrent commit added) may hold a key inside the incoming keys' bounding box;
 * conservative: files without usable stats, and keys whose bounds cannot be compared in text, count as overlapping.
 */
export function mayHoldSourceKeys(
  file: AddFile,
  snapshot: Snapshot,
  keys: string[],
  bounds: ({ lo: string; hi: string } | null)[],
): boolean {
  const range = getFileKeyRange(file, keys, snapshot.partitionColumns);
  if (range === 'unknown') return true;
  if (range === 'empty') return false;
  return keys.every((key, i) => {
    const bound = bounds[i];
    if (!bound) return false; // only NULL keys arrive for this column: they never match
    const type = snapshot.schema.fields.find((field) => field.name === key)?.type;
    const lo = range.lo[i];
    const hi = range.hi[i];
    if (typeof type !== 'string' || lo === null || lo === undefined || hi === null || hi === undefined)
      return true;
    if (snapshot.partitionColumns.includes(key) && (type === 'timestamp' || type === 'timestamp_ntz'))
      return true;
    if (NUMERIC.test(type)) {
      return !(Number(hi) < Number(bound.lo) || Number(lo) > Number(bound.hi));
    }
    return !(compareCodePoints(hi, bound.lo) < 0 || compareCodePoints(lo, bound.hi) > 0);
  });
}

/** Orders strings by code point (as Parquet/UTF-8 byte order does), not by UTF-16 code unit. */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
