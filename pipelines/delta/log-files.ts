// Naming of files in `_delta_log` (PROTOCOL-NOTES §1) and the choice of the files that rebuild one version: the
// newest complete checkpoint at or below it plus the contiguous commits after it. Listing a log of thousands of
// entries costs more than reading the checkpoint, so a reader first tries the `_last_checkpoint` hint and lists only
// from the hinted version on (PROTOCOL-NOTES §4, Delta's "listFrom").

import type { FileStatus, LakeStorage } from '../lake/storage';
import { DeltaError } from './errors';

export type LogFile =
  | { kind: 'commit'; version: number; file: FileStatus }
  | { kind: 'checkpoint'; version: number; file: FileStatus; part: number; parts: number; uuid?: string }
  | { kind: 'compaction'; version: number; toVersion: number; file: FileStatus }
  | { kind: 'crc'; version: number; file: FileStatus };

/** A checkpoint usable as the base of a snapshot: one file, all parts of a multi-part one, or a UUID-named one. */
export interface Checkpoint {
  version: number;
  files: FileStatus[];
  /** Set for UUID-named (V2) checkpoints, which may be JSON or parquet. */
  uuid?: string;
}

/** The files that rebuild one version of a table. */
export interface LogSegment {
  version: number;
  checkpoint?: Checkpoint;
  /**
   * Files to replay after the checkpoint (or from 0), ascending and contiguous up to `version`: commit files, or log
   * compaction files standing for commits `version`..`toVersion`.
   */
  commits: { version: number; toVersion?: number; file: FileStatus }[];
}

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID_CHECKPOINT = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;
const COMPACTION = /^(\d{20})\.(\d{20})\.compacted\.json$/;
const CRC = /^(\d{20})\.crc$/;

/** Joins lake-relative path segments, tolerating an empty table root. */
export function joinLakePath(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

export function formatVersion(version: number): string {
  return String(version).padStart(20, '0');
}

/** Recognises a `_delta_log` entry; anything else (Hadoop .crc, temp files, folders) gives null. */
export function parseLogFileName(file: FileStatus): LogFile | null {
  if (file.isDirectory) return null;
  const name = file.name;
  let match = COMMIT.exec(name);
  if (match) return { kind: 'commit', version: Number(match[1]), file };
  match = CLASSIC_CHECKPOINT.exec(name);
  if (match) return { kind: 'checkpoint', version: Number(match[1]), file, part: 1, parts: 1 };
  match = MULTIPART_CHECKPOINT.exec(name);
  if (match) {
    return {
      kind: 'checkpoint',
      version: Number(match[1]),
      file,
      part: Number(match[2]),
      parts: Number(match[3]),
    };
  }
  match = UUID_CHECKPOINT.exec(name);
  if (match)
    return { kind: 'checkpoint', version: Number(match[1]), file, part: 1, parts: 1, uuid: match[2] };
  match = COMPACTION.exec(name);
  if (match) return { kind: 'compaction', version: Number(match[1]), toVersion: Number(match[2]), file };
  match = CRC.exec(name);
  if (match) return { kind: 'crc', version: Number(match[1]), file };
  return null;
}

/** Groups checkpoint files into complete checkpoints; incomplete multi-part sets are dropped. */
export function collectCheckpoints(files: LogFile[]): Checkpoint[] {
  const groups = new Map<
    string,
    { version: number; parts: number; uuid?: string; files: Map<number, FileStatus> }
  >();
  for (const entry of files) {
    if (entry.kind !== 'checkpoint') continue;
    const key = `${entry.version}/${entry.uuid ?? ''}/${entry.parts}`;
    const group = groups.get(key) ?? {
      version: entry.version,
      parts: entry.parts,
      uuid: entry.uuid,
      files: new Map(),
    };
    group.files.set(entry.part, entry.file);
    groups.set(key, group);
  }
  const complete: Checkpoint[] = [];
  for (const group of groups.values()) {
    if (group.files.size !== group.parts) continue;
    const ordered = [...group.files.entries()].sort((a, b) => a[0] - b[0]).map(([, file]) => file);
    complete.push({ version: group.version, files: ordered, ...(group.uuid ? { uuid: group.uuid } : {}) });
  }
  // Newest first; for one version prefer classic single-file, then UUID-named, then multi-part.
  const rank = (c: Checkpoint): number => (c.uuid ? 1 : c.files.length === 1 ? 0 : 2);
  return complete.sort((a, b) => b.version - a.version || rank(a) - rank(b));
}

/** Lists and classifies `_delta_log`; a missing or empty log means there is no Delta table at `tableRoot`. */
export async function listLogFiles(storage: LakeStorage, tableRoot: string): Promise<LogFile[]> {
  const logDir = joinLakePath(tableRoot, '_delta_log');
  const files = await listAndParse(storage, logDir);
  if (!files.some((entry) => entry.kind === 'commit' || entry.kind === 'checkpoint')) {
    throw new DeltaError('TABLE_NOT_FOUND', `Not a Delta table: no commits in ${logDir}`);
  }
  return files;
}

/**
 * Lists and classifies only the `_delta_log` entries of `version` and later (none is an empty list, not an error).
 * The log is append-only, so these are all the files the log holds from that version on.
 */
export async function listLogFilesFrom(
  storage: LakeStorage,
  tableRoot: string,
  version: number,
): Promise<LogFile[]> {
  // The bare 20-digit version sorts after every name of older versions and before every `<version>.` name.
  return listAndParse(storage, joinLakePath(tableRoot, '_delta_log'), formatVersion(version));
}

async function listAndParse(storage: LakeStorage, logDir: string, startAfter?: string): Promise<LogFile[]> {
  let entries: FileStatus[];
  try {
    entries = await storage.list(logDir, startAfter === undefined ? undefined : { startAfter });
  } catch (cause) {
    throw new DeltaError('READ_FAILED', `Cannot list ${logDir}`, { cause });
  }
  const files: LogFile[] = [];
  for (const entry of entries) {
    // Filtered here as well: a storage decorator that forwards list(dir) alone would list everything.
    if (startAfter !== undefined && !(entry.name > startAfter)) continue;
    const parsed = parseLogFileName(entry);
    if (parsed) files.push(parsed);
  }
  return files;
}

/** What the reader takes from `_last_checkpoint` (PROTOCOL-NOTES §4); everything else in it is ignored. */
export interface LastCheckpointHint {
  version: number;
  /** Parts of a multi-part checkpoint. */
  parts?: number;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Parses `_last_checkpoint`; null when it is empty, not JSON, or names no valid version. */
export function parseLastCheckpoint(text: string): LastCheckpointHint | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { version, size, parts } = parsed as Record<string, unknown>;
  if (!isCount(version)) return null;
  // A hint whose other counts are nonsense was not written by a sane writer: trust none of it.
  if (size !== undefined && !isCount(size)) return null;
  if (parts !== undefined && parts !== null && !(isCount(parts) && parts > 0)) return null;
  return typeof parts === 'number' ? { version, parts } : { version };
}

/**
 * Reads the `_last_checkpoint` hint; null when it is missing or unusable. A failed read is not an error either:
 * the caller then lists the whole log, which reports a storage that really fails.
 */
export async function readLastCheckpoint(
  storage: LakeStorage,
  tableRoot: string,
): Promise<LastCheckpointHint | null> {
  let text: string;
  try {
    text = new TextDecoder().decode(
      await storage.read(joinLakePath(tableRoot, '_delta_log', '_last_checkpoint')),
    );
  } catch {
    return null;
  }
  return parseLastCheckpoint(text);
}

/** The files listed for one snapshot load, and whether they are the whole log or only its tail. */
export interface ListedLog {
  files: LogFile[];
  /** False when only entries from a checkpoint on were listed (enough for `version`, not for older ones). */
  complete: boolean;
}

/**
 * Lists what rebuilding `version` (latest when undefined) needs. When `_last_checkpoint` names a version at or below
 * it, only the log from that version on is listed, and used if it holds a complete checkpoint at or below the
 * target followed by contiguous commits (a stale hint is fine: newer checkpoints are in that listing too).
 * Otherwise (no hint, a corrupt one, one above the target, or its checkpoint gone) the whole log is listed.
 */
export async function listLogForVersion(
  storage: LakeStorage,
  tableRoot: string,
  version?: number,
): Promise<ListedLog> {
  const hint = await readLastCheckpoint(storage, tableRoot);
  if (hint && (version === undefined || hint.version <= version)) {
    const files = await listLogFilesFrom(storage, tableRoot, hint.version);
    if (canRebuildFromCheckpoint(files, version)) return { files, complete: false };
  }
  return { files: await listLogFiles(storage, tableRoot), complete: true };
}

/** True when `files` alone rebuild `version` from a checkpoint (so no older entry of the log is needed). */
export function canRebuildFromCheckpoint(files: LogFile[], version?: number): boolean {
  try {
    return buildLogSegment(files, version).checkpoint !== undefined;
  } catch {
    return false; // the whole listing decides, and reports any real problem with the log
  }
}

/** Latest version the log can describe (the newest commit or checkpoint). */
export function findLatestVersion(files: LogFile[]): number {
  let latest = -1;
  for (const entry of files) {
    if (entry.kind === 'commit' || entry.kind === 'checkpoint') latest = Math.max(latest, entry.version);
  }
  return latest;
}

/**
 * Picks the files that rebuild `version` (latest when undefined): the newest complete checkpoint at or below it,
 * then every commit after it, which must be contiguous. Pure: works on an already listed log.
 */
export function buildLogSegment(
  files: LogFile[],
  version?: number,
  options: { useCompactions?: boolean } = {},
): LogSegment {
  const latest = findLatestVersion(files);
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new DeltaError('VERSION_NOT_FOUND', `Version ${version} does not exist (latest is ${latest})`);
  }
  const commits = new Map<number, FileStatus>();
  for (const entry of files) if (entry.kind === 'commit') commits.set(entry.version, entry.file);
  const checkpoint = collectCheckpoints(files).find((candidate) => candidate.version <= target);
  const start = checkpoint ? checkpoint.version + 1 : 0;
  // Compactions are used only below the target, so the target's own commit (and its commitInfo) is always read.
  const compactions = new Map<number, { toVersion: number; file: FileStatus }>();
  if (options.useCompactions !== false) {
    for (const entry of files) {
      if (entry.kind !== 'compaction' || entry.toVersion >= target || entry.toVersion < entry.version)
        continue;
      const known = compactions.get(entry.version);
      if (!known || known.toVersion < entry.toVersion) compactions.set(entry.version, entry);
    }
  }
  const segmentCommits: LogSegment['commits'] = [];
  for (let v = start; v <= target; v += 1) {
    const compaction = compactions.get(v);
    if (compaction) {
      segmentCommits.push({ version: v, toVersion: compaction.toVersion, file: compaction.file });
      v = compaction.toVersion;
      continue;
    }
    const file = commits.get(v);
    if (!file) {
      if (!checkpoint && !commits.has(0)) {
        throw new DeltaError(
          'VERSION_NOT_FOUND',
          `Version ${target} cannot be rebuilt: no checkpoint and no commit 0`,
        );
      }
      throw new DeltaError('CORRUPT_LOG', `Commit ${v} is missing: versions in the log are not contiguous`);
    }
    segmentCommits.push({ version: v, file });
  }
  return { version: target, ...(checkpoint ? { checkpoint } : {}), commits: segmentCommits };
}
