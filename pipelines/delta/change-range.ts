// The version range of a change feed read (PROTOCOL.md "Change Data Files"): checked against the commits the log
// still holds, before any data file is opened.

import type { ReadEffects } from './checkpoint';
import { DeltaError } from './errors';
import { listLogFiles, type LogFile } from './log-files';

export interface ChangeRange {
  /** First version whose changes are read (inclusive). */
  from: number;
  /** Last version (inclusive); the latest when absent. */
  to?: number;
}

export interface ResolvedRange {
  from: number;
  to: number;
  latest: number;
  /** Commit files of from..to, ascending. */
  commits: Extract<LogFile, { kind: 'commit' }>[];
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * Resolves `range` over the table's log: INVALID_ARGUMENT for a malformed or reversed range, VERSION_NOT_FOUND for
 * a version past the latest or one whose commit file is no longer in the log (cleaned up after a checkpoint).
 */
export async function resolveChangeRange(
  effects: ReadEffects,
  tableRoot: string,
  range: ChangeRange,
): Promise<ResolvedRange> {
  if (!isVersion(range.from)) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `The start version must be a whole number ≥ 0 (got ${range.from})`,
    );
  }
  if (range.to !== undefined && !isVersion(range.to)) {
    throw new DeltaError('INVALID_ARGUMENT', `The end version must be a whole number ≥ 0 (got ${range.to})`);
  }
  if (range.to !== undefined && range.from > range.to) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `The start version ${range.from} is after the end version ${range.to}`,
    );
  }
  const files = await listLogFiles(effects.storage, tableRoot);
  const byVersion = new Map<number, Extract<LogFile, { kind: 'commit' }>>();
  let latest = -1;
  for (const entry of files) {
    if (entry.kind === 'commit') byVersion.set(entry.version, entry);
    if (entry.kind === 'commit' || entry.kind === 'checkpoint') latest = Math.max(latest, entry.version);
  }
  const to = range.to ?? latest;
  if (range.from > latest || to > latest) {
    throw new DeltaError(
      'VERSION_NOT_FOUND',
      `Version ${Math.max(range.from, to)} is beyond the latest version ${latest} of ${tableRoot || 'the table'}`,
    );
  }
  // The earliest version whose changes can still be read: the oldest commit of the contiguous run ending at latest.
  let earliest = latest;
  while (byVersion.has(earliest - 1)) earliest -= 1;
  if (!byVersion.has(latest) || range.from < earliest) {
    throw new DeltaError(
      'VERSION_NOT_FOUND',
      `Changes from version ${range.from} cannot be read: the log keeps commits from version ${earliest} on` +
        ' (older ones were cleaned up)',
    );
  }
  const commits: Extract<LogFile, { kind: 'commit' }>[] = [];
  for (let version = range.from; version <= to; version += 1) {
    commits.push(byVersion.get(version) as Extract<LogFile, { kind: 'commit' }>);
  }
  return { from: range.from, to, latest, commits };
}
