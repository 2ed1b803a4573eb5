// Time travel by timestamp (PROTOCOL-NOTES §7). A commit's time is its inCommitTimestamp when the commit carries
// one (In-Commit Timestamps enabled from that version on), otherwise the commit file's modification time, or
// optionally commitInfo.timestamp (useful where mtimes were lost, e.g. tables checked out from git).

import type { CommitInfo } from './actions';
import type { ReadEffects } from './checkpoint';
import { DeltaError } from './errors';
import type { LogFile } from './log-files';
import { readCommit } from './read-commit';

export type TimestampSource = 'file' | 'commitInfo';

export interface CommitTimestamp {
  version: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** True when the time is an in-commit timestamp (authoritative, never adjusted). */
  inCommit: boolean;
}

/** Time of one commit from its commitInfo and file modification time. */
export function getCommitTimestamp(
  commitInfo: CommitInfo | undefined,
  modifiedMs: number,
  source: TimestampSource,
): { timestamp: number; inCommit: boolean } {
  if (typeof commitInfo?.inCommitTimestamp === 'number') {
    return { timestamp: commitInfo.inCommitTimestamp, inCommit: true };
  }
  if (source === 'commitInfo' && typeof commitInfo?.timestamp === 'number') {
    return { timestamp: commitInfo.timestamp, inCommit: false };
  }
  return { timestamp: modifiedMs, inCommit: false };
}

/** Makes non-ICT times strictly increasing (+1 ms), as Spark does with file times. Input ascends by version. */
export function monotonizeTimestamps(timestamps: CommitTimestamp[]): CommitTimestamp[] {
  const result: CommitTimestamp[] = [];
  let previous = -Infinity;
  for (const entry of timestamps) {
    const timestamp = !entry.inCommit && entry.timestamp <= previous ? previous + 1 : entry.timestamp;
    result.push({ ...entry, timestamp });
    previous = timestamp;
  }
  return result;
}

export function toEpochMs(value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new DeltaError('INVALID_ARGUMENT', `Invalid timestamp '${String(value)}'`);
  return ms;
}

/** Latest version whose commit time is at or before `at`; TIMESTAMP_NOT_FOUND when `at` precedes every commit. */
export function resolveVersionAtTimestamp(timestamps: CommitTimestamp[], at: Date | number | string): number {
  const ms = toEpochMs(at);
  let found: number | undefined;
  for (const entry of timestamps) if (entry.timestamp <= ms) found = entry.version;
  if (found === undefined) {
    const first = timestamps[0];
    throw new DeltaError(
      'TIMESTAMP_NOT_FOUND',
      first
        ? `No version at or before ${new Date(ms).toISOString()}: the earliest available commit is from ${new Date(first.timestamp).toISOString()}`
        : 'The table has no commit files to resolve a timestamp against',
    );
  }
  return found;
}

/** Commit times of every commit file in the log, ascending by version. */
export async function readCommitTimestamps(
  effects: ReadEffects,
  files: LogFile[],
  source: TimestampSource,
): Promise<CommitTimestamp[]> {
  const commits = files
    .filter((entry): entry is Extract<LogFile, { kind: 'commit' }> => entry.kind === 'commit')
    .sort((a, b) => a.version - b.version);
  const entries = await Promise.all(
    commits.map(async (entry) => {
      const actions = await readCommit(effects, entry.file, entry.version);
      const commitInfo = actions.find((action) => action.commitInfo)?.commitInfo;
      return { version: entry.version, ...getCommitTimestamp(commitInfo, entry.file.modifiedMs, source) };
    }),
  );
  return monotonizeTimestamps(entries);
}
