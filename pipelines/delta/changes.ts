// Change Data Feed, read side (PROTOCOL.md "Add CDC File", "Change Data Files"): the row-level changes of a range of
// versions, as the table's columns plus `_change_type`, `_commit_version` and `_commit_timestamp`.
//
// Per commit: a commit with `cdc` actions is read from those change data files only (they carry `_change_type`,
// update pre- and post-images included); a commit without them is derived from its add and remove actions with
// dataChange=true: rows of added files are inserts, rows of removed files deletes. Two refinements keep derived
// changes row-exact: a file removed and re-added under a new deletion vector contributes only the rows whose
// deletion changed (newly deleted = delete, undeleted = insert), and when a commit both removes and adds other files
// (a copy-on-write rewrite) the rows carried over unchanged cancel out (multiset difference). Derived changes carry
// no update pre/post-images: an updated row is a delete and an insert. Commits whose actions all have
// dataChange=false (optimize, compaction) yield nothing.
//
// Memory stays bounded whatever the range: commits are read in small batches, each one SQL query that the caller
// runs and streams before asking for the next (one query over a thousand versions ran out of DuckDB memory).

import type { Action, AddFile, Cdc, RemoveFile } from './actions';
import { resolveChangeRange, type ChangeRange } from './change-range';
import type { ReadEffects } from './checkpoint';
import { loadDeletedRows } from './deletion-vectors';
import { DeltaError } from './errors';
import type { LocalFile } from '../engine/local-files';
import { readPhysicalSchemas, type PhysicalNode } from './physical-schema';
import { readCommit } from './read-commit';
import { canonicalizePath } from './paths';
import { locateTableFile } from './scan';
import { buildFileSelect, buildScanSql, type FileScanInput, type ScanSchema } from './scan-sql';
import { quoteIdentifier, quoteLiteral } from './schema';
import { loadSnapshot } from './snapshot';
import { getCommitTimestamp, type TimestampSource } from './time-travel';

export type { ChangeRange } from './change-range';

export const CHANGE_TYPE = '_change_type';
export const COMMIT_VERSION = '_commit_version';
export const COMMIT_TIMESTAMP = '_commit_timestamp';
const CHANGE_COLUMNS = [CHANGE_TYPE, COMMIT_VERSION, COMMIT_TIMESTAMP];

export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';
/** Where a commit's changes come from: its change data files, or its add/remove actions. */
export type ChangeSource = 'cdc' | 'derived';

export interface ChangeBatch {
  /** Versions this batch covers (commits without data changes included). */
  versions: number[];
  /** Source of each version that changed data. */
  sources: Record<number, ChangeSource>;
  /** Rows of these versions, ordered by version; null when none of them changed data. */
  sql: string | null;
  /** Local paths `sql` reads. */
  files: string[];
  /** Frees temporary copies of remote files; call once `sql` has run. */
  release(): Promise<void>;
}

export interface ChangeFeed {
  from: number;
  to: number;
  latest: number;
  /** Table columns, then `_change_type`, `_commit_version`, `_commit_timestamp`. */
  columns: string[];
  /** True when the table (at `to`) has delta.enableChangeDataFeed=true; without it every change is derived. */
  changeDataFeedEnabled: boolean;
  /** An empty result of the feed's columns and types. */
  emptySql: string;
  /** The batches, in version order; each is read before the next is planned. */
  batches(): AsyncGenerator<ChangeBatch>;
}

export interface ChangeFeedOptions {
  /** How commit times are read (see time-travel.ts); default the commit file's time, as Spark does. */
  timestampSource?: TimestampSource;
  /** Commits per batch at most (default 50). */
  commitsPerBatch?: number;
  /** Data files per batch at most, past the first commit (default 32). */
  filesPerBatch?: number;
}

interface PlannedCommit {
  version: number;
  timestamp: number;
  source: ChangeSource;
  /** SELECTs of table columns + `_change_type`; empty when the commit changed no data. */
  branches: string[];
  fileCount: number;
}

const literal = (type: ChangeType): string => `${quoteLiteral(type)} AS ${quoteIdentifier(CHANGE_TYPE)}`;

/** Rows of `a` not in `b`; both ascending (as deletion vectors decode), so one merge pass, no Set of a large DV. */
function difference(a: number[], b: number[]): number[] {
  const result: number[] = [];
  let j = 0;
  for (const row of a) {
    while (j < b.length && (b[j] as number) < row) j += 1;
    if (j >= b.length || b[j] !== row) result.push(row);
  }
  return result;
}

/** Column trees of a commit's files; a file gone (vacuumed, or never written) is named in a READ_FAILED. */
async function readCommitSchemas(effects: ReadEffects, versions: string, paths: string[]) {
  return readPhysicalSchemas(effects.duckdb, paths).catch((cause: unknown) => {
    throw new DeltaError(
      'READ_FAILED',
      `Cannot read the files of version ${versions}: a vacuum may have deleted them (${(cause as Error).message.split('\n')[0]})`,
      { cause },
    );
  });
}

/** Local paths and column trees of a batch's files, keyed by the path in the log. */
interface BatchFiles {
  local(file: { path: string }): string;
  physical: Map<string, PhysicalNode>;
}

/** The files a commit's changes are read from: its change data files, else its data-changing adds and removes. */
function changeFilesOf(actions: Action[]): { path: string }[] {
  const cdcs = actions.flatMap((action) => (action.cdc ? [action.cdc] : []));
  if (cdcs.length > 0) return cdcs;
  return actions.flatMap((action): { path: string }[] =>
    action.add?.dataChange ? [action.add] : action.remove?.dataChange ? [action.remove] : [],
  );
}

/** Plans one commit's change rows over files the batch has located and described. */
async function planCommit(
  effects: ReadEffects,
  tableRoot: string,
  scan: ScanSchema,
  version: number,
  actions: Action[],
  timestamp: number,
  batchFiles: BatchFiles,
): Promise<PlannedCommit> {
  const cdcs = actions.flatMap((action) => (action.cdc ? [action.cdc] : []));
  if (cdcs.length > 0) {
    const paths = cdcs.map((cdc) => batchFiles.local(cdc));
    const physical = batchFiles.physical;
    const branches = cdcs.map((cdc: Cdc, index) => {
      const localPath = paths[index] as string;
      const tree = physical.get(localPath);
      return buildFileSelect(
        {
          localPath,
          partitionValues: cdc.partitionValues ?? {},
          ...(tree ? { physical: tree } : {}),
          extraColumns: [CHANGE_TYPE],
        },
        scan,
      );
    });
    return { version, timestamp, source: 'cdc', branches, fileCount: cdcs.length };
  }
  const adds = actions.flatMap((action) => (action.add?.dataChange ? [action.add] : []));
  const removes = actions.flatMap((action) => (action.remove?.dataChange ? [action.remove] : []));
  const addsByPath = new Map<string, AddFile>();
  for (const add of adds) addsByPath.set(canonicalizePath(add.path), add);
  // A file removed and added again in one commit: only the rows whose deletion changed are changes.
  const paired: { remove: RemoveFile; add: AddFile }[] = [];
  const removedOnly: RemoveFile[] = [];
  for (const remove of removes) {
    const add = addsByPath.get(canonicalizePath(remove.path));
    if (add) {
      paired.push({ remove, add });
      addsByPath.delete(canonicalizePath(remove.path));
    } else removedOnly.push(remove);
  }
  const addedOnly = [...addsByPath.values()];
  const all = [...paired.map((pair) => pair.add), ...removedOnly, ...addedOnly];
  const paths = all.map((file) => batchFiles.local(file));
  const physical = batchFiles.physical;
  const localOf = new Map(all.map((file, index) => [file, paths[index] as string]));
  const input = async (
    file: AddFile | RemoveFile,
    partitionValues: Record<string, string | null>,
  ): Promise<FileScanInput> => {
    const localPath = localOf.get(file) as string;
    const tree = physical.get(localPath);
    const deletedRows = file.deletionVector
      ? await loadDeletedRows(effects.storage, tableRoot, file.deletionVector)
      : undefined;
    return {
      localPath,
      partitionValues,
      ...(tree ? { physical: tree } : {}),
      ...(deletedRows && deletedRows.length > 0 ? { deletedRows } : {}),
    };
  };
  const branches: string[] = [];
  for (const { remove, add } of paired) {
    const before = remove.deletionVector
      ? await loadDeletedRows(effects.storage, tableRoot, remove.deletionVector)
      : [];
    const after = add.deletionVector
      ? await loadDeletedRows(effects.storage, tableRoot, add.deletionVector)
      : [];
    const localPath = localOf.get(add) as string;
    const tree = physical.get(localPath);
    const base: FileScanInput = {
      localPath,
      partitionValues: add.partitionValues ?? {},
      ...(tree ? { physical: tree } : {}),
    };
    const newlyDeleted = difference(after, before);
    const undeleted = difference(before, after);
    if (newlyDeleted.length > 0) {
      branches.push(
        `SELECT *, ${literal('delete')} FROM (${buildFileSelect({ ...base, keptRows: newlyDeleted }, scan)})`,
      );
    }
    if (undeleted.length > 0) {
      branches.push(
        `SELECT *, ${literal('insert')} FROM (${buildFileSelect({ ...base, keptRows: undeleted }, scan)})`,
      );
    }
  }
  const removedInputs = await Promise.all(
    removedOnly.map((remove) => {
      if (!remove.partitionValues && scan.partitionColumns.length > 0) {
        throw new DeltaError(
          'UNSUPPORTED_FEATURE',
          `Version ${version} removes ${remove.path} without its partition values: its rows cannot be read as deletes`,
        );
      }
      return input(remove, remove.partitionValues ?? {});
    }),
  );
  const addedInputs = await Promise.all(addedOnly.map((add) => input(add, add.partitionValues ?? {})));
  const removedSql = removedInputs.length > 0 ? buildScanSql(removedInputs, scan) : null;
  const addedSql = addedInputs.length > 0 ? buildScanSql(addedInputs, scan) : null;
  if (removedSql && addedSql) {
    // A rewrite (copy-on-write update, delete or merge): rows carried over unchanged are in both sides.
    branches.push(`SELECT *, ${literal('delete')} FROM ((${removedSql}) EXCEPT ALL (${addedSql}))`);
    branches.push(`SELECT *, ${literal('insert')} FROM ((${addedSql}) EXCEPT ALL (${removedSql}))`);
  } else if (removedSql) {
    branches.push(`SELECT *, ${literal('delete')} FROM (${removedSql})`);
  } else if (addedSql) {
    branches.push(`SELECT *, ${literal('insert')} FROM (${addedSql})`);
  }
  return { version, timestamp, source: 'derived', branches, fileCount: all.length };
}

function commitSql(commit: PlannedCommit): string {
  const rows = commit.branches.map((branch) => `(${branch})`).join('\nUNION ALL\n');
  return (
    `SELECT *, ${commit.version}::BIGINT AS ${quoteIdentifier(COMMIT_VERSION)}, ` +
    `epoch_ms(${Math.trunc(commit.timestamp)}::BIGINT)::TIMESTAMPTZ AS ${quoteIdentifier(COMMIT_TIMESTAMP)} ` +
    `FROM (${rows})`
  );
}

/**
 * Opens the change feed of versions `range.from`..`range.to` (the latest when absent). The range is checked first
 * (INVALID_ARGUMENT, VERSION_NOT_FOUND); the schema is the one at `to`, and a range across a change of partition
 * columns or of column mapping is refused (UNSUPPORTED_FEATURE), as Spark refuses it.
 */
export async function openChangeFeed(
  effects: ReadEffects,
  tableRoot: string,
  range: ChangeRange,
  options: ChangeFeedOptions = {},
): Promise<ChangeFeed> {
  const resolved = await resolveChangeRange(effects, tableRoot, range);
  const snapshot = await loadSnapshot(effects, tableRoot, { version: resolved.to });
  for (const name of CHANGE_COLUMNS) {
    if (snapshot.schema.fields.some((field) => field.name.toLowerCase() === name)) {
      throw new DeltaError(
        'UNSUPPORTED_FEATURE',
        `The table has a column named ${name}, which the change feed adds: its changes cannot be read`,
      );
    }
  }
  const scan: ScanSchema = {
    schema: snapshot.schema,
    partitionColumns: snapshot.partitionColumns,
    mode: snapshot.columnMappingMode,
  };
  const partitioning = JSON.stringify(snapshot.partitionColumns);
  const mappingMode = snapshot.metadata.configuration?.['delta.columnMapping.mode'] ?? 'none';
  const commitsPerBatch = Math.max(1, options.commitsPerBatch ?? 50);
  const filesPerBatch = Math.max(1, options.filesPerBatch ?? 32);
  const timestampSource = options.timestampSource ?? 'file';
  const columns = [...snapshot.schema.fields.map((field) => field.name), ...CHANGE_COLUMNS];
  const emptySql =
    `SELECT *, NULL::VARCHAR AS ${quoteIdentifier(CHANGE_TYPE)}, NULL::BIGINT AS ${quoteIdentifier(COMMIT_VERSION)}, ` +
    `NULL::TIMESTAMPTZ AS ${quoteIdentifier(COMMIT_TIMESTAMP)} FROM (${buildScanSql([], scan)})`;

  async function* batches(): AsyncGenerator<ChangeBatch> {
    let index = 0;
    // Commit times made strictly increasing within the range, as Spark does with file times.
    let previousTimestamp = -Infinity;
    while (index < resolved.commits.length) {
      const locals: LocalFile[] = [];
      const release = async (): Promise<void> => {
        await Promise.all(locals.splice(0).map((local) => local.release()));
      };
      const planned: PlannedCommit[] = [];
      const versions: number[] = [];
      try {
        // First the batch's commits (small JSON files), then all their files located and described in one query.
        const read: { version: number; actions: Action[]; timestamp: number }[] = [];
        let fileCount = 0;
        while (
          index < resolved.commits.length &&
          read.length < commitsPerBatch &&
          fileCount < filesPerBatch
        ) {
          const entry = resolved.commits[index] as (typeof resolved.commits)[number];
          index += 1;
          const actions = await readCommit(effects, entry.file, entry.version);
          for (const action of actions) {
            const metadata = action.metaData;
            if (!metadata || entry.version === resolved.from) continue;
            const mode = metadata.configuration?.['delta.columnMapping.mode'] ?? 'none';
            if (JSON.stringify(metadata.partitionColumns ?? []) !== partitioning || mode !== mappingMode) {
              throw new DeltaError(
                'UNSUPPORTED_FEATURE',
                `Version ${entry.version} changes the partition columns or column mapping: read changes up to ` +
                  `version ${entry.version - 1} and from version ${entry.version} separately`,
              );
            }
          }
          const commitInfo = actions.find((action) => action.commitInfo)?.commitInfo;
          const commitTime = getCommitTimestamp(commitInfo, entry.file.modifiedMs, timestampSource);
          let timestamp = commitTime.timestamp;
          if (!commitTime.inCommit && timestamp <= previousTimestamp) timestamp = previousTimestamp + 1;
          previousTimestamp = timestamp;
          versions.push(entry.version);
          fileCount += changeFilesOf(actions).length;
          read.push({ version: entry.version, actions, timestamp });
        }
        const localByPath = new Map<string, string>();
        for (const { actions } of read) {
          for (const file of changeFilesOf(actions)) {
            if (localByPath.has(file.path)) continue;
            const local = await locateTableFile(effects, tableRoot, file);
            locals.push(local);
            localByPath.set(file.path, local.path);
          }
        }
        const range = `${versions[0]}${versions.length > 1 ? `..${versions[versions.length - 1]}` : ''}`;
        const batchFiles: BatchFiles = {
          local: (file) => localByPath.get(file.path) as string,
          physical: await readCommitSchemas(effects, range, [...localByPath.values()]),
        };
        for (const { version, actions, timestamp } of read) {
          const commit = await planCommit(effects, tableRoot, scan, version, actions, timestamp, batchFiles);
          if (commit.branches.length > 0) planned.push(commit);
        }
      } catch (error) {
        await release();
        throw error;
      }
      const sources: Record<number, ChangeSource> = {};
      for (const commit of planned) sources[commit.version] = commit.source;
      let sql: string | null = null;
      if (planned.length === 1) sql = commitSql(planned[0] as PlannedCommit);
      else if (planned.length > 1) {
        sql = `SELECT * FROM (${planned.map((commit) => `(${commitSql(commit)})`).join('\nUNION ALL\n')}) ORDER BY ${quoteIdentifier(COMMIT_VERSION)}`;
      }
      yield { versions, sources, sql, files: locals.map((local) => local.path), release };
    }
  }

  return {
    from: resolved.from,
    to: resolved.to,
    latest: resolved.latest,
    columns,
    changeDataFeedEnabled:
      (snapshot.metadata.configuration?.['delta.enableChangeDataFeed'] ?? '').toLowerCase() === 'true',
    emptySql,
    batches,
  };
}

/** Streams every change row of the feed as JSON-compatible objects, one batch in memory at a time. */
export async function* streamChangeRows(
  effects: ReadEffects,
  feed: ChangeFeed,
): AsyncGenerator<Record<string, unknown>> {
  for await (const batch of feed.batches()) {
    try {
      if (batch.sql) yield* effects.duckdb.streamJson(batch.sql);
    } finally {
      await batch.release();
    }
  }
}
