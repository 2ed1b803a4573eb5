// Loading a snapshot: list the log (from the `_last_checkpoint` hint on when it can, see log-files.ts), pick
// checkpoint + commits for the wanted version, read them, replay, and check that this reader can read the result.

import type { Action } from './actions';
import { readCheckpointActions, type ReadEffects } from './checkpoint';
import { DeltaError, isDeltaError } from './errors';
import { buildLogSegment, listLogFiles, listLogForVersion, type LogFile } from './log-files';
import { readCommit } from './read-commit';
import { assertReadable } from './protocol';
import { replayActions, type CommitActions, type ReplayedState } from './replay';
import { getColumnMappingMode, parseSchemaString, type ColumnMappingMode, type StructType } from './schema';
import { assertTypeChangesSupported } from './type-widening';
import { readCommitTimestamps, resolveVersionAtTimestamp, type TimestampSource } from './time-travel';

/** A replayed version of one table, with what readers derive from its metaData. Its files are as in the log:
 * URI-encoded paths, usually relative to the table root. */
export interface Snapshot extends ReplayedState {
  /** Lake-relative table root ('' when the storage is rooted at the table). */
  tableRoot: string;
  /** Logical schema parsed from metadata.schemaString. */
  schema: StructType;
  partitionColumns: string[];
  columnMappingMode: ColumnMappingMode;
}

export interface SnapshotOptions {
  /** Exact version; latest when neither version nor timestamp is given. */
  version?: number;
  /** Latest version committed at or before this instant (Date, epoch ms, or ISO-8601 text). */
  timestamp?: Date | number | string;
  /** How commit times are read for timestamp travel; see time-travel.ts. Default 'file'. */
  timestampSource?: TimestampSource;
}

/** Loads the snapshot of a table at the latest version, a given version, or a timestamp. */
export async function loadSnapshot(
  effects: ReadEffects,
  tableRoot: string,
  options: SnapshotOptions = {},
): Promise<Snapshot> {
  if (options.timestamp === undefined) {
    const listed = await listLogForVersion(effects.storage, tableRoot, options.version);
    const listFullLog = listed.complete ? undefined : () => listLogFiles(effects.storage, tableRoot);
    return loadSnapshotFromLog(effects, tableRoot, listed.files, options.version, { listFullLog });
  }
  if (options.version !== undefined) {
    throw new DeltaError('INVALID_ARGUMENT', 'Give a version or a timestamp, not both');
  }
  // Every commit's time is needed to resolve a timestamp: that takes the whole log.
  const files = await listLogFiles(effects.storage, tableRoot);
  const timestamps = await readCommitTimestamps(effects, files, options.timestampSource ?? 'file');
  const version = resolveVersionAtTimestamp(timestamps, options.timestamp);
  return loadSnapshotFromLog(effects, tableRoot, files, version);
}

export interface ReplayOptions {
  /**
   * Set when `files` is only the tail of the log (listed from a checkpoint on): lists the whole log, for when that
   * checkpoint turns out unreadable and an older checkpoint or the commits from 0 must stand in.
   */
  listFullLog?: () => Promise<LogFile[]>;
}

/**
 * Replays the log up to `version` (latest when undefined) and checks the protocol, without parsing the schema.
 * A checkpoint that cannot be read (corrupt or partly written) is skipped in favour of an older one or the commits.
 */
export async function loadTableState(
  effects: ReadEffects,
  tableRoot: string,
  files: LogFile[],
  version?: number,
  options: ReplayOptions = {},
): Promise<ReplayedState> {
  let listing = files;
  let listFullLog = options.listFullLog;
  const failed = new Set<string>();
  const withoutFailed = (entries: LogFile[]): LogFile[] =>
    entries.filter((entry) => entry.kind !== 'checkpoint' || !failed.has(entry.file.path));
  for (;;) {
    const segment = buildLogSegment(listing, version);
    let checkpointActions: Action[] = [];
    if (segment.checkpoint) {
      const checkpoint = segment.checkpoint;
      try {
        checkpointActions = await readCheckpointActions(effects, tableRoot, checkpoint);
      } catch (error) {
        if (!isDeltaError(error, 'CORRUPT_LOG') && !isDeltaError(error, 'READ_FAILED')) throw error;
        for (const file of checkpoint.files) failed.add(file.path);
        let fallback = withoutFailed(listing);
        if (!canBuildSegment(fallback, version) && listFullLog) {
          fallback = withoutFailed(await listFullLog());
          listFullLog = undefined;
        }
        // Nothing else can rebuild this version: report the checkpoint's failure.
        if (!canBuildSegment(fallback, version)) throw error;
        listing = fallback;
        continue;
      }
    }
    const commits: CommitActions[] = await Promise.all(
      segment.commits.map(async ({ version: v, file }) => ({
        version: v,
        actions: await readCommit(effects, file, v),
      })),
    );
    const state = replayActions(checkpointActions, commits, segment.version);
    assertReadable(state.protocol, state.metadata);
    return state;
  }
}

function canBuildSegment(files: LogFile[], version: number | undefined): boolean {
  try {
    buildLogSegment(files, version);
    return true;
  } catch {
    return false;
  }
}

/** Loads a snapshot from an already listed log. */
export async function loadSnapshotFromLog(
  effects: ReadEffects,
  tableRoot: string,
  files: LogFile[],
  version?: number,
  options: ReplayOptions = {},
): Promise<Snapshot> {
  const state = await loadTableState(effects, tableRoot, files, version, options);
  if (typeof state.metadata.schemaString !== 'string') {
    throw new DeltaError('CORRUPT_LOG', `metaData of version ${state.version} has no schemaString`);
  }
  const schema = parseSchemaString(state.metadata.schemaString);
  assertTypeChangesSupported(schema);
  return {
    tableRoot,
    ...state,
    schema,
    partitionColumns: state.metadata.partitionColumns ?? [],
    columnMappingMode: getColumnMappingMode(state.metadata.configuration ?? {}),
  };
}
