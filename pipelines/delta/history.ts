// Commit history: one entry per commit file still in the log, newest first.

import type { CommitInfo } from './actions';
import type { ReadEffects } from './checkpoint';
import { listLogFiles, type LogFile } from './log-files';
import { readCommit } from './read-commit';
import { getCommitTimestamp, type TimestampSource } from './time-travel';

export interface HistoryEntry {
  version: number;
  /** Commit time in ms since the epoch (see time-travel.ts for the rules). */
  timestamp: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  engineInfo?: string;
  commitInfo?: CommitInfo;
  /** Counts of the commit's actions by kind. */
  actionCounts: Record<string, number>;
}

/** Reads the history of a table; `limit` keeps only the newest entries. */
export async function readHistory(
  effects: ReadEffects,
  tableRoot: string,
  options: { limit?: number; timestampSource?: TimestampSource } = {},
): Promise<HistoryEntry[]> {
  const files = await listLogFiles(effects.storage, tableRoot);
  let commits = files
    .filter((entry): entry is Extract<LogFile, { kind: 'commit' }> => entry.kind === 'commit')
    .sort((a, b) => b.version - a.version);
  if (options.limit !== undefined) commits = commits.slice(0, options.limit);
  return Promise.all(
    commits.map(async (entry) => {
      const actions = await readCommit(effects, entry.file, entry.version);
      const commitInfo = actions.find((action) => action.commitInfo)?.commitInfo;
      const actionCounts: Record<string, number> = {};
      for (const action of actions) {
        for (const key of Object.keys(action)) actionCounts[key] = (actionCounts[key] ?? 0) + 1;
      }
      const { timestamp } = getCommitTimestamp(
        commitInfo,
        entry.file.modifiedMs,
        options.timestampSource ?? 'file',
      );
      return {
        version: entry.version,
        timestamp,
        ...(commitInfo?.operation ? { operation: commitInfo.operation } : {}),
        ...(commitInfo?.operationParameters ? { operationParameters: commitInfo.operationParameters } : {}),
        ...(commitInfo?.engineInfo ? { engineInfo: commitInfo.engineInfo } : {}),
        ...(commitInfo ? { commitInfo } : {}),
        actionCounts,
      };
    }),
  );
}
