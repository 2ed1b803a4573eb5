// The StateHistory of pipeline-state.ts over a real Delta log: commits are read newest first, a page at a time, so
// the usual case (the newest commit is the last run) reads one or two small files, not the whole log.

import type { Action } from '../delta/actions';
import type { ReadEffects } from '../delta/checkpoint';
import { listLogFiles, type LogFile } from '../delta/log-files';
import { readCommit } from '../delta/read-commit';
import { loadSnapshot } from '../delta/snapshot';
import { readCommitTimestamps, resolveVersionAtTimestamp } from '../delta/time-travel';
import { toSchemaKey, type CommitSummary, type StateHistory } from './pipeline-state';

const PAGE = 8;

type CommitFile = Extract<LogFile, { kind: 'commit' }>;

/** Reduces one commit's actions to what the state derivation reads. */
export function summarizeCommit(version: number, actions: Action[]): CommitSummary {
  let dataChange = false;
  let schemaKey: string | null = null;
  let commitInfo: CommitSummary['commitInfo'];
  for (const action of actions) {
    if (action.add && action.add.dataChange !== false) dataChange = true;
    if (action.remove && action.remove.dataChange !== false) dataChange = true;
    if (action.metaData) schemaKey = toSchemaKey(action.metaData);
    if (action.commitInfo) commitInfo = action.commitInfo;
  }
  return { version, dataChange, schemaKey, ...(commitInfo ? { commitInfo } : {}) };
}

export async function openStateHistory(effects: ReadEffects, tableRoot: string): Promise<StateHistory> {
  const files = await listLogFiles(effects.storage, tableRoot);
  const commits = files
    .filter((entry): entry is CommitFile => entry.kind === 'commit')
    .sort((a, b) => b.version - a.version);
  return {
    async *commitsUpTo(upTo) {
      const wanted = commits.filter((entry) => entry.version <= upTo);
      for (let start = 0; start < wanted.length; start += PAGE) {
        const page = wanted.slice(start, start + PAGE);
        const read = await Promise.all(
          page.map(async (entry) =>
            summarizeCommit(entry.version, await readCommit(effects, entry.file, entry.version)),
          ),
        );
        yield* read;
      }
    },
    async schemaAt(version) {
      try {
        const snapshot = await loadSnapshot(effects, tableRoot, { version });
        return toSchemaKey(snapshot.metadata);
      } catch {
        return null; // unreadable (cleaned from the log): counted as a schema change, so the next run reloads
      }
    },
    async versionAt(timestamp, restoreVersion) {
      try {
        const before = files.filter((entry) => entry.kind !== 'commit' || entry.version < restoreVersion);
        return resolveVersionAtTimestamp(await readCommitTimestamps(effects, before, 'file'), timestamp);
      } catch {
        return null;
      }
    },
  };
}
