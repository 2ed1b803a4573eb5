// Which lake files the browser may fetch: the data files and deletion-vector files that some readable version of a
// table references (any version time travel can reach), and nothing else: not raw/, not _delta_log/, not temp or
// hidden files, not a file that sits in a table folder without being part of the table. Files are immutable once
// committed, so a file once referenced stays known; only a path not yet known makes us look at the log again, and
// then only at commits not read before (one listing per miss, no reads on a hit).

import {
  isDeltaError,
  joinLakePath,
  listLogFiles,
  readCheckpointActions,
  readCommit,
} from '@/pipelines/delta';
import {
  collectCheckpoints,
  decodePathUri,
  isAbsolutePath,
  resolveDeletionVectorLocation,
  type Action,
  type AddFile,
  type RemoveFile,
} from '@/pipelines/delta';
import { TABLE_NAME, TABLES_DIR, type LakeContext } from './lake-context';

interface TableFiles {
  /** Commit and checkpoint files already read, by lake path. */
  read: Set<string>;
  /** Lake paths of data and deletion-vector files referenced by them. */
  files: Set<string>;
}

const tables = new Map<string, TableFiles>();
const refreshing = new Map<string, Promise<TableFiles | null>>();

/** Lake paths a file action refers to inside the table folder: its data file and its deletion vector file. */
function referencedPaths(tableRoot: string, file: AddFile | RemoveFile): string[] {
  const paths: string[] = [];
  const decoded = decodePathUri(file.path);
  // Absolute paths (shallow clones) lie outside the table folder and are never served.
  if (!isAbsolutePath(decoded)) paths.push(joinLakePath(tableRoot, decoded));
  const dv = file.deletionVector;
  if (dv && dv.storageType === 'u') {
    const location = resolveDeletionVectorLocation(dv);
    if (location.kind === 'relative') paths.push(joinLakePath(tableRoot, decodePathUri(location.path)));
  }
  return paths;
}

function collect(into: Set<string>, tableRoot: string, actions: Action[]): void {
  for (const action of actions) {
    // A remove names a file an older version still reads (time travel); that version's add named it too, but its
    // commit may have been cleaned up while a checkpoint still stands for it.
    for (const file of [action.add, action.remove]) {
      if (file) for (const path of referencedPaths(tableRoot, file)) into.add(path);
    }
  }
}

/** Reads the log files not read yet; starts over when a file read before is gone (log cleanup). */
async function refresh(context: LakeContext, key: string, tableRoot: string): Promise<TableFiles | null> {
  let logFiles;
  try {
    logFiles = await listLogFiles(context.storage, tableRoot);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) {
      tables.delete(key);
      return null;
    }
    throw error;
  }
  const present = new Set(logFiles.map((entry) => entry.file.path));
  let state = tables.get(key);
  if (!state || [...state.read].some((path) => !present.has(path))) {
    state = { read: new Set(), files: new Set() };
  }
  for (const entry of logFiles) {
    if (entry.kind !== 'commit' || state.read.has(entry.file.path)) continue;
    collect(state.files, tableRoot, await readCommit(context, entry.file, entry.version));
    state.read.add(entry.file.path);
  }
  for (const checkpoint of collectCheckpoints(logFiles)) {
    const first = checkpoint.files[0]?.path;
    if (first === undefined || state.read.has(first)) continue;
    collect(state.files, tableRoot, await readCheckpointActions(context, tableRoot, checkpoint));
    for (const file of checkpoint.files) state.read.add(file.path);
  }
  tables.set(key, state);
  return state;
}

/**
 * The table folders a lake path may lie in (tables/<name>/… or, for a source's tables, tables/<source>/<name>/…),
 * when it is a candidate at all; none for everything else.
 */
function tableRootsOfPath(lakePath: string): string[] {
  const segments = lakePath.split('/');
  if (segments.length < 3 || segments[0] !== TABLES_DIR) return [];
  // Never the log, a hidden file or a storage temp file, whatever an action might claim.
  if (segments.some((segment) => segment === '_delta_log' || segment.startsWith('.'))) return [];
  const names = [segments[1] as string];
  if (segments.length >= 4) names.push(`${segments[1]}/${segments[2]}`);
  return names.filter((name) => TABLE_NAME.test(name)).map((name) => `${TABLES_DIR}/${name}`);
}

/** Whether `lakePath` is one of the files the table at `tableRoot` references (reading its log on a miss). */
async function isFileOfTable(context: LakeContext, tableRoot: string, lakePath: string): Promise<boolean> {
  const key = `${context.storage.rootUrl}\0${tableRoot}`;
  if (tables.get(key)?.files.has(lakePath)) return true;
  // Concurrent misses on one table share one refresh.
  let pending = refreshing.get(key);
  if (!pending) {
    pending = refresh(context, key, tableRoot).finally(() => refreshing.delete(key));
    refreshing.set(key, pending);
  }
  const state = await pending;
  return state?.files.has(lakePath) ?? false;
}

/** True when `lakePath` is a data or deletion-vector file of some readable version of a table. */
export async function isExposedFile(context: LakeContext, lakePath: string): Promise<boolean> {
  for (const tableRoot of tableRootsOfPath(lakePath)) {
    if (await isFileOfTable(context, tableRoot, lakePath)) return true;
  }
  return false;
}
