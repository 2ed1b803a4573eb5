// Reading checkpoints (PROTOCOL-NOTES §4): classic and multi-part parquet, UUID-named V2 checkpoints in JSON or
// parquet, and the sidecar files V2 checkpoints point to. Parquet is decoded by native DuckDB; every byte is
// fetched through LakeStorage.

import type { LakeStorage } from '../lake/storage';
import type { DuckDbSession } from '../engine/duckdb-session';
import { toSqlString } from '../engine/duckdb-session';
import { materializeLakeFiles } from '../engine/local-files';
import type { Action } from './actions';
import { DeltaError } from './errors';
import { joinLakePath, type Checkpoint } from './log-files';
import { parseCommitText, pickKnownAction } from './parse-commit';
import { decodePathUri } from './paths';

export interface ReadEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
}

const CHECKPOINT_COLUMNS = [
  'txn',
  'add',
  'remove',
  'metaData',
  'protocol',
  'domainMetadata',
  'checkpointMetadata',
  'sidecar',
] as const;

/** Drops null fields of an action body: parquet has a column for every optional field, JSON omits them. */
function dropNullFields<T extends object>(body: T): T {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null)) as T;
}

/**
 * Makes a checkpoint row look like the JSON action: no null optional fields, no `partitionValues_parsed`, and the
 * typed `add.stats_parsed` kept as `statsParsed` when the JSON `stats` is absent (stats_parsed-only checkpoints).
 */
function normalizeCheckpointAction(action: Action): Action {
  const [kind, body] = Object.entries(action)[0] as [keyof Action, object];
  const cleaned = dropNullFields(body) as Record<string, unknown>;
  if (kind !== 'add' && kind !== 'remove') return { [kind]: cleaned } as Action;
  const { stats_parsed: statsParsed, partitionValues_parsed: _parsed, ...rest } = cleaned;
  if (kind === 'add') rest.partitionValues = rest.partitionValues ?? {};
  if (kind === 'add' && rest.stats === undefined && statsParsed) rest.statsParsed = statsParsed;
  return { [kind]: rest } as Action;
}

/** Reads the actions of parquet checkpoint or sidecar files (lake-relative paths) with DuckDB. */
export async function readParquetActions(effects: ReadEffects, lakePaths: string[]): Promise<Action[]> {
  if (lakePaths.length === 0) return [];
  const local = await materializeLakeFiles(effects.storage, lakePaths);
  try {
    const source = `read_parquet([${local.paths.map(toSqlString).join(', ')}], union_by_name = true, hive_partitioning = false)`;
    const described = await effects.duckdb.queryJson(`DESCRIBE SELECT * FROM ${source}`);
    const present = new Set(described.map((row) => String(row.column_name)));
    const columns = CHECKPOINT_COLUMNS.filter((column) => present.has(column));
    if (columns.length === 0) return [];
    const packed = columns.map((column) => `"${column}" := "${column}"`).join(', ');
    const rows = await effects.duckdb.queryJson(
      `SELECT CAST(to_json(struct_pack(${packed})) AS VARCHAR) AS j FROM ${source}`,
    );
    const actions: Action[] = [];
    for (const row of rows) {
      const action = pickKnownAction(JSON.parse(String(row.j)) as Record<string, unknown>);
      if (action) actions.push(normalizeCheckpointAction(action));
    }
    return actions;
  } catch (cause) {
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError('CORRUPT_LOG', `Cannot read checkpoint ${lakePaths.join(', ')}`, { cause });
  } finally {
    await local.release();
  }
}

/** All actions of a checkpoint, with V2 sidecars resolved; sidecar and checkpointMetadata actions are dropped. */
export async function readCheckpointActions(
  effects: ReadEffects,
  tableRoot: string,
  checkpoint: Checkpoint,
): Promise<Action[]> {
  const paths = checkpoint.files.map((file) => file.path);
  let actions: Action[];
  if (checkpoint.files.length === 1 && paths[0]?.endsWith('.json')) {
    const path = paths[0];
    let text: string;
    try {
      text = new TextDecoder().decode(await effects.storage.read(path));
    } catch (cause) {
      throw new DeltaError('READ_FAILED', `Cannot read checkpoint ${path}`, { cause });
    }
    actions = parseCommitText(text, path);
  } else {
    actions = await readParquetActions(effects, paths);
  }
  const sidecars = actions.flatMap((action) => (action.sidecar ? [action.sidecar] : []));
  const inline = actions.filter((action) => !action.sidecar && !action.checkpointMetadata);
  if (sidecars.length === 0) return inline;
  const sidecarPaths = sidecars.map((sidecar) => {
    const decoded = decodePathUri(sidecar.path);
    if (decoded.includes('/')) {
      throw new DeltaError('UNSUPPORTED_FEATURE', `Sidecar outside _delta_log/_sidecars: ${sidecar.path}`);
    }
    return joinLakePath(tableRoot, '_delta_log', '_sidecars', decoded);
  });
  const fromSidecars = await readParquetActions(effects, sidecarPaths);
  return [...inline, ...fromSidecars.filter((action) => action.add || action.remove)];
}
