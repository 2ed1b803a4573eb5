// Restore (rollback) to an earlier version or timestamp: files of that version missing now are added back and
// files not in it are removed, both with dataChange=true, in one new commit; the old schema comes back with them.
// History is kept: restore is a new version, so it can itself be undone. Files already vacuumed cannot come back
// (FILE_NOT_FOUND), and the table is left untouched then. On a change-data-feed table the commit carries the
// change files of the rows it takes away and brings back (writeRestoreChanges).

import type { Action, AddFile, Cdc } from '../actions';
import { resolveDeletionVectorLocation } from '../deletion-vectors';
import { DeltaError } from '../errors';
import { joinLakePath } from '../log-files';
import { decodePathUri, isAbsolutePath } from '../paths';
import { getLogicalFileKey } from '../replay';
import { planScan } from '../scan';
import { loadSnapshot, type Snapshot } from '../snapshot';
import { isChangeDataFeedEnabled, writeReplacementChanges } from './change-data';
import type { TimestampSource } from '../time-travel';
import { getNow, type WriteEffects } from './effects';
import { commitTransaction, type CommitOptions } from './transaction';
import {
  assertMayRemove,
  buildConformingSelect,
  buildRemoveAction,
  countRecords,
  sumSizes,
  type WriteResult,
} from './write-support';
import { assertWritable, isSameProtocol } from './write-protocol';

export interface RestoreOptions extends CommitOptions {
  version?: number;
  timestamp?: Date | number | string;
  timestampSource?: TimestampSource;
}

/** JSON with sorted keys and without nulls, so metadata read from a checkpoint and from a commit compare equal. */
function toCanonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const entries = Object.entries(item as Record<string, unknown>).filter(
      ([, v]) => v !== null && v !== undefined,
    );
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/**
 * With the change data feed on (before or after the restore), a restore that removes files writes change files:
 * the rows that leave the table as deletes and the rows that come back as inserts, rows on both sides cancelled
 * (a file re-added with a different deletion vector changes only the rows that differ). Without removes, the
 * restored adds are the inserts and no change file is needed.
 */
async function writeRestoreChanges(
  effects: WriteEffects,
  current: Snapshot,
  target: Snapshot,
  toRemove: AddFile[],
  toAdd: AddFile[],
): Promise<Cdc[]> {
  const enabled = isChangeDataFeedEnabled(current.metadata) || isChangeDataFeedEnabled(target.metadata);
  if (!enabled || toRemove.length === 0) return [];
  const removed = await planScan(effects, { ...current, files: toRemove });
  try {
    const added = await planScan(effects, { ...target, files: toAdd });
    try {
      return await writeReplacementChanges(effects, target, {
        removedSql: buildConformingSelect(removed.sql, current.schema, target.schema),
        addedSql: added.sql,
        schema: target.schema,
        cancelUnchanged: true,
      });
    } finally {
      await added.release();
    }
  } finally {
    await removed.release();
  }
}

export async function restore(
  effects: WriteEffects,
  tableRoot: string,
  options: RestoreOptions,
): Promise<WriteResult> {
  if ((options.version === undefined) === (options.timestamp === undefined)) {
    throw new DeltaError('INVALID_ARGUMENT', 'restore needs exactly one of version or timestamp');
  }
  const current = await loadSnapshot(effects, tableRoot);
  const target = await loadSnapshot(effects, tableRoot, {
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
    ...(options.timestampSource ? { timestampSource: options.timestampSource } : {}),
  });
  assertWritable(current.protocol, current.metadata, current.schema);
  // The restored version's protocol and metadata come back with it: they must be writable too.
  assertWritable(target.protocol, target.metadata, target.schema);
  const currentKeys = new Set(current.files.map(getLogicalFileKey));
  const targetKeys = new Set(target.files.map(getLogicalFileKey));
  const toAdd = target.files.filter((file) => !currentKeys.has(getLogicalFileKey(file)));
  const toRemove = current.files.filter((file) => !targetKeys.has(getLogicalFileKey(file)));
  for (const file of toAdd) {
    const decoded = decodePathUri(file.path);
    if (isAbsolutePath(decoded)) continue;
    if (!(await effects.storage.stat(joinLakePath(tableRoot, decoded)))) {
      throw new DeltaError(
        'FILE_NOT_FOUND',
        `Cannot restore version ${target.version}: data file ${file.path} was deleted (vacuumed)`,
      );
    }
    // A restored file's deletion vector file must still be there too, or its deleted rows would come back.
    const dv = file.deletionVector;
    const location = dv && dv.storageType === 'u' ? resolveDeletionVectorLocation(dv) : undefined;
    if (
      location?.kind === 'relative' &&
      !(await effects.storage.stat(joinLakePath(tableRoot, location.path)))
    ) {
      throw new DeltaError(
        'FILE_NOT_FOUND',
        `Cannot restore version ${target.version}: deletion vector file ${location.path} was deleted (vacuumed)`,
      );
    }
  }
  const now = getNow(effects);
  const removes = toRemove.map((file) => buildRemoveAction(file, now, true));
  assertMayRemove(current.metadata, removes);
  const actions: Action[] = [];
  // The protocol can only move up: keep the current one unless the old version needed more.
  if (
    !isSameProtocol(current.protocol, target.protocol) &&
    target.protocol.minWriterVersion > current.protocol.minWriterVersion
  ) {
    actions.push({ protocol: target.protocol });
  }
  if (toCanonicalJson(current.metadata) !== toCanonicalJson(target.metadata))
    actions.push({ metaData: target.metadata });
  actions.push(...removes.map((remove) => ({ remove })));
  actions.push(
    ...toAdd.map(({ statsParsed: _parsed, ...add }) => ({
      add: { ...add, dataChange: true, modificationTime: now },
    })),
  );
  const changes = await writeRestoreChanges(effects, current, target, toRemove, toAdd);
  actions.push(...changes.map((cdc) => ({ cdc })));
  const metrics: Record<string, number> = {
    tableSizeAfterRestore: sumSizes(target.files),
    numOfFilesAfterRestore: target.files.length,
    numRemovedFiles: removes.length,
    numRestoredFiles: toAdd.length,
    removedFilesSize: sumSizes(removes),
    restoredFilesSize: sumSizes(toAdd),
    numRestoredRows: countRecords(toAdd),
  };
  const result = await commitTransaction(
    effects,
    {
      tableRoot,
      readVersion: current.version,
      operation: 'RESTORE',
      operationParameters: {
        ...(options.version !== undefined ? { version: options.version } : {}),
        ...(options.timestamp !== undefined ? { timestamp: String(options.timestamp) } : {}),
      },
      operationMetrics: metrics,
      actions,
      isBlindAppend: false,
      reads: { readPredicate: 'all', readFileKeys: new Set(current.files.map(getLogicalFileKey)) },
      configuration: target.metadata.configuration ?? {},
      newFiles: changes,
    },
    options,
  );
  return { ...result, metrics };
}
