// Per-file statistics (PROTOCOL-NOTES §6): the JSON `add.stats` string, or the typed `stats_parsed` struct a
// checkpoint may carry instead. Keys are physical column names; nested columns nest as objects. Use for skipping
// only: bounds may be truncated (strings, timestamps to ms) or wide (tightBounds=false with deletion vectors).

import type { AddFile } from './actions';
import { DeltaError } from './errors';

export interface FileStats {
  numRecords?: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
  tightBounds?: boolean;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Normalises a parsed stats object; missing parts become empty. */
export function toFileStats(raw: Record<string, unknown>): FileStats {
  const numRecords = raw.numRecords;
  return {
    ...(numRecords !== null && numRecords !== undefined ? { numRecords: Number(numRecords) } : {}),
    minValues: asRecord(raw.minValues),
    maxValues: asRecord(raw.maxValues),
    nullCount: asRecord(raw.nullCount),
    ...(typeof raw.tightBounds === 'boolean' ? { tightBounds: raw.tightBounds } : {}),
  };
}

/** Stats of a file, or null when it has none (stats are optional). Invalid JSON is a CORRUPT_LOG error. */
export function parseFileStats(file: Pick<AddFile, 'path' | 'stats' | 'statsParsed'>): FileStats | null {
  if (typeof file.stats === 'string' && file.stats !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(file.stats);
    } catch (cause) {
      throw new DeltaError('CORRUPT_LOG', `Invalid stats JSON for ${file.path}`, { cause });
    }
    return parsed === null ? null : toFileStats(asRecord(parsed));
  }
  if (file.statsParsed) return toFileStats(file.statsParsed);
  return null;
}

/** Looks a column up in a stats map by physical path (e.g. ['a', 'b'] for struct field a.b). */
export function getStatValue(values: Record<string, unknown>, physicalPath: string[]): unknown {
  let current: unknown = values;
  for (const part of physicalPath) {
    current = asRecord(current)[part];
    if (current === undefined) return undefined;
  }
  return current;
}
