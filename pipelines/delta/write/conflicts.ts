// Conflict detection between our transaction and a commit that won the race for a version, following Delta's
// ConflictChecker at WriteSerializable isolation. Pure: works on the winner's actions and what we read.
// - winner changed the protocol → PROTOCOL_CHANGED; the metadata (schema, properties) → METADATA_CHANGED;
// - winner recorded our txn appId at ≥ our txn version → our write is already applied;
// - winner removed a file we read or remove → CONCURRENT_DELETE;
// - winner (not a blind append) added files our read predicate covers → CONCURRENT_APPEND;
// - anything else (e.g. blind appends next to our blind append) is no conflict: retry at the next version.

import type { Action, AddFile } from '../actions';
import { DeltaError } from '../errors';
import { getLogicalFileKey } from '../replay';

/** What our transaction read: nothing (blind append), the whole table, or the files a predicate selects. */
export type ReadPredicate = 'none' | 'all' | ((file: AddFile) => boolean);

export interface TransactionReads {
  readPredicate: ReadPredicate;
  /** Logical keys (getLogicalFileKey) of the live files we read or remove. */
  readFileKeys: ReadonlySet<string>;
  txn?: { appId: string; version: number };
}

export type ConflictOutcome = { kind: 'retry' } | { kind: 'alreadyApplied' };

/** Checks one winning commit; throws a DeltaError naming the conflict, or says how to proceed. */
export function checkWinningCommit(
  ours: TransactionReads,
  winner: Action[],
  winnerVersion: number,
): ConflictOutcome {
  const at = `version ${winnerVersion}`;
  if (winner.some((action) => action.protocol)) {
    throw new DeltaError(
      'PROTOCOL_CHANGED',
      `A concurrent commit (${at}) changed the table protocol; retry the operation`,
    );
  }
  if (winner.some((action) => action.metaData)) {
    throw new DeltaError(
      'METADATA_CHANGED',
      `A concurrent commit (${at}) changed the table metadata (schema or properties); retry the operation`,
    );
  }
  if (ours.txn) {
    const applied = winner.find(
      (action) =>
        action.txn && action.txn.appId === ours.txn?.appId && action.txn.version >= ours.txn.version,
    );
    if (applied) return { kind: 'alreadyApplied' };
  }
  for (const action of winner) {
    if (action.remove && ours.readFileKeys.has(getLogicalFileKey(action.remove))) {
      throw new DeltaError(
        'CONCURRENT_DELETE',
        `A concurrent commit (${at}) removed ${action.remove.path}, which this operation read; retry the operation`,
      );
    }
  }
  const winnerIsBlindAppend = winner.some((action) => action.commitInfo?.isBlindAppend === true);
  const predicate = ours.readPredicate;
  if (predicate !== 'none' && !winnerIsBlindAppend) {
    const added = winner.find(
      (action) =>
        action.add && action.add.dataChange !== false && (predicate === 'all' || predicate(action.add)),
    );
    if (added?.add) {
      throw new DeltaError(
        'CONCURRENT_APPEND',
        `A concurrent commit (${at}) added ${added.add.path} in data this operation read; retry the operation`,
      );
    }
  }
  return { kind: 'retry' };
}
