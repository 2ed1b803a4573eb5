// Optimistic concurrency (PROTOCOL-NOTES §8): try to create version readVersion+1; when another writer got there
// first, read its commit, apply the conflict rules (conflicts.ts) and try the next version, a bounded number of
// times. After a successful commit, write a checkpoint every `delta.checkpointInterval` versions and clean up
// expired log files; that maintenance never undoes the commit, its failure is reported beside the result.

import { randomUUID } from 'node:crypto';
import type { Action, AddFile } from '../actions';
import { DeltaError } from '../errors';
import { readCommit } from '../read-commit';
import { buildCommitInfo, getCommitPath, writeCommitFile } from './commit-file';
import { checkWinningCommit, type TransactionReads } from './conflicts';
import { deleteDataFiles } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { runPostCommitMaintenance } from './maintenance';

export const DEFAULT_MAX_COMMIT_ATTEMPTS = 10;

export interface CommitRequest {
  tableRoot: string;
  /** Version the transaction read; -1 when creating the table. */
  readVersion: number;
  operation: string;
  operationParameters: Record<string, unknown>;
  operationMetrics?: Record<string, number>;
  /** protocol / metaData / txn / add / remove actions; commitInfo is added here. */
  actions: Action[];
  isBlindAppend: boolean;
  reads: TransactionReads;
  /** Table configuration after the commit (checkpoint interval, log retention). */
  configuration: Record<string, string>;
  /** Data (and change data) files this transaction wrote; deleted again when the write turns out to be already
   * applied. */
  newFiles?: Pick<AddFile, 'path'>[];
}

export interface CommitOptions {
  /** Commit attempts before giving up with CONCURRENT_MODIFICATION. Default 10. */
  maxAttempts?: number;
  /** Checkpoint and log cleanup after the commit. Default true. */
  maintenance?: boolean;
  /**
   * Extra fields for this commit's commitInfo (e.g. a pipeline run's id and watermark); Delta allows any field
   * there and other engines ignore unknown ones. Standard fields (timestamp, operation, …) cannot be overridden.
   */
  extraCommitInfo?: Record<string, unknown>;
}

export interface CommitResult {
  version: number;
  /** True when a txn with our appId and an equal or higher version was already in the log. */
  alreadyApplied: boolean;
  /** Set when a checkpoint was written after this commit. */
  checkpointVersion?: number;
  /** Failure of post-commit maintenance (the commit itself succeeded). */
  maintenanceError?: Error;
}

/** Commits the request's actions at the next free version, resolving races with concurrent writers. */
export async function commitTransaction(
  effects: WriteEffects,
  request: CommitRequest,
  options: CommitOptions = {},
): Promise<CommitResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_COMMIT_ATTEMPTS;
  const txnId = randomUUID();
  let version = request.readVersion + 1;
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    await effects.hooks?.beforeCommit?.(attempt);
    const commitInfo = buildCommitInfo({
      timestamp: getNow(effects),
      operation: request.operation,
      operationParameters: request.operationParameters,
      readVersion: request.readVersion,
      isBlindAppend: request.isBlindAppend,
      ...(request.operationMetrics ? { operationMetrics: request.operationMetrics } : {}),
      txnId,
    });
    const extras = Object.entries(options.extraCommitInfo ?? {}).filter(
      ([key, value]) => !(key in commitInfo) && value !== undefined,
    );
    const won = await writeCommitFile(effects.storage, request.tableRoot, version, [
      { commitInfo: { ...commitInfo, ...Object.fromEntries(extras) } },
      ...request.actions,
    ]);
    if (won) {
      const result: CommitResult = { version, alreadyApplied: false };
      if (options.maintenance === false) return result;
      return {
        ...result,
        ...(await runPostCommitMaintenance(effects, request.tableRoot, version, request.configuration)),
      };
    }
    if (request.readVersion < 0) {
      throw new DeltaError(
        'TABLE_EXISTS',
        `A Delta table already exists at ${request.tableRoot || 'the root'}`,
      );
    }
    const winner = await readCommit(effects, { path: getCommitPath(request.tableRoot, version) }, version);
    const outcome = checkWinningCommit(request.reads, winner, version);
    if (outcome.kind === 'alreadyApplied') {
      if (request.newFiles) await deleteDataFiles(effects.storage, request.tableRoot, request.newFiles);
      return { version, alreadyApplied: true };
    }
    version += 1;
  }
  throw new DeltaError(
    'CONCURRENT_MODIFICATION',
    `Gave up after ${maxAttempts} commit attempts: other writers kept committing to ${request.tableRoot || 'the table'}`,
  );
}
