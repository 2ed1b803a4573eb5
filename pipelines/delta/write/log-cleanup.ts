// Metadata cleanup (PROTOCOL.md "Metadata Cleanup"): delete log entries older than `delta.logRetentionDuration`,
// but only below a checkpoint that itself is not newer than the cutoff, so every version that is kept stays
// readable. The cutoff is midnight UTC of the day the retention period reaches back to.

import type { LogFile } from '../log-files';
import { collectCheckpoints, listLogFiles } from '../log-files';
import { getNow, type WriteEffects } from './effects';
import { DAY_MS, getLogRetentionMs } from './table-properties';

/** Paths of the log files the cleanup may delete, pure. */
export function selectExpiredLogFiles(files: LogFile[], cutoffMs: number): string[] {
  const cutoffDay = Math.floor(cutoffMs / DAY_MS) * DAY_MS;
  let cutoffCommit = -1;
  for (const entry of files) {
    if (entry.kind === 'commit' && entry.file.modifiedMs <= cutoffDay)
      cutoffCommit = Math.max(cutoffCommit, entry.version);
  }
  if (cutoffCommit < 0) return [];
  const checkpoint = collectCheckpoints(files).find((candidate) => candidate.version <= cutoffCommit);
  if (!checkpoint) return [];
  const keep = new Set(checkpoint.files.map((file) => file.path));
  return files
    .filter((entry) => {
      if (keep.has(entry.file.path)) return false;
      if (entry.kind === 'compaction') return entry.version <= checkpoint.version;
      return entry.version < checkpoint.version;
    })
    .map((entry) => entry.file.path);
}

/** Deletes expired log files of the table; returns their paths. */
export async function cleanupExpiredLogs(
  effects: WriteEffects,
  tableRoot: string,
  configuration: Record<string, string>,
): Promise<string[]> {
  const files = await listLogFiles(effects.storage, tableRoot);
  const expired = selectExpiredLogFiles(files, getNow(effects) - getLogRetentionMs(configuration));
  // Oldest first, so a reader never sees a gap below a surviving file.
  for (const file of expired.sort()) await effects.storage.delete(file);
  return expired;
}
