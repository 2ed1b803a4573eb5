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
import { parseCommitText } from './parse-commit';
import { decodePathUri } from './paths';

export interface ReadEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
}

// In ACTION_KEYS order, so that a (malformed) row with two non-null columns gives the action a commit line would.
const CHECKPOINT_COLUMNS = [
  'protocol',
  'metaData',
  'add',
  'remove',
  'txn',
  'domainMetadata',
  'sidecar',
  'checkpointMetadata',
] as const;

/**
 * Drops null fields of an action body: parquet has a column for every optional field, JSON omits them. A plain loop:
 * it runs once per checkpoint row, and entries/filter/fromEntries cost several times more.
 */
function dropNullFields(body: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (value !== null) kept[key] = value;
  }
  return kept;
}

/**
 * Makes a checkpoint row look like the JSON action: no null optional fields, no `partitionValues_parsed`, and the
 * typed `add.stats_parsed` kept as `statsParsed` when the JSON `stats` is absent (stats_parsed-only checkpoints).
 */
function normalizeCheckpointAction(kind: string, body: Record<string, unknown>): Action {
  const cleaned = dropNullFields(body);
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
    // Each row holds one action (PROTOCOL-NOTES §4), so DuckDB writes JSON for the non-null column only, and the
    // texts are taken as one column: no struct of every column per row, no row objects to build.
    const cases = columns.map(
      (column) => `WHEN "${column}" IS NOT NULL THEN CAST(to_json("${column}") AS VARCHAR)`,
    );
    const kinds = columns.map((column, index) => `WHEN "${column}" IS NOT NULL THEN ${index}`);
    const reader = await effects.duckdb.connection.runAndReadAll(
      `SELECT CASE ${kinds.join(' ')} END AS k, CASE ${cases.join(' ')} END AS j FROM ${source}`,
    );
    const [kindColumn = [], textColumn = []] = reader.getColumns();
    const actions: Action[] = [];
    for (let row = 0; row < textColumn.length; row += 1) {
      const text = textColumn[row];
      const kind = columns[Number(kindColumn[row])];
      // A row with no action at all is skipped, as pickKnownAction skips one in a commit.
      if (typeof text !== 'string' || kind === undefined) continue;
      const body: unknown = JSON.parse(text);
      if (body !== null && typeof body === 'object') {
        actions.push(normalizeCheckpointAction(kind, body as Record<string, unknown>));
      }
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
