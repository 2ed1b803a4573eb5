// Classic single-file checkpoints (PROTOCOL.md "Checkpoints", "Checkpoint Schema"): the reconciled state of one
// version as Parquet with one nullable struct column per action type (txn, add, remove, metaData, protocol, and
// domainMetadata when the table has domains), written by DuckDB from NDJSON with explicit STRUCT types, then
// `_last_checkpoint`. Like Spark: `add.stats` stays a JSON string, file actions carry dataChange=false, expired
// tombstones are dropped, and commitInfo is never included. Checkpoints are written only after their commit.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toSqlString } from '../../engine/duckdb-session';
import type { Action } from '../actions';
import { DeltaError } from '../errors';
import { formatVersion, joinLakePath } from '../log-files';
import { loadSnapshot, type Snapshot } from '../snapshot';
import { getNow, type WriteEffects } from './effects';
import { serializeActions } from './commit-file';
import { getDeletedFileRetentionMs } from './table-properties';
import { assertWriterProtocol } from './write-protocol';

const MAP = 'MAP(VARCHAR, VARCHAR)';
const DELETION_VECTOR =
  'STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT)';

/** Column types of a classic checkpoint, in the protocol's field names and order. */
export const CHECKPOINT_COLUMN_TYPES: Record<string, string> = {
  txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)',
  add: `STRUCT(path VARCHAR, partitionValues ${MAP}, size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags ${MAP}, deletionVector ${DELETION_VECTOR}, baseRowId BIGINT, defaultRowCommitVersion BIGINT, clusteringProvider VARCHAR)`,
  remove: `STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues ${MAP}, size BIGINT, deletionVector ${DELETION_VECTOR}, baseRowId BIGINT, defaultRowCommitVersion BIGINT)`,
  metaData: `STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options ${MAP}), schemaString VARCHAR, partitionColumns VARCHAR[], configuration ${MAP}, createdTime BIGINT)`,
  protocol:
    'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
  domainMetadata: 'STRUCT(domain VARCHAR, configuration VARCHAR, removed BOOLEAN)',
};

export interface CheckpointInfo {
  version: number;
  /** Number of actions (rows) in the checkpoint. */
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
}

/** The actions a checkpoint of `snapshot` holds, pure. Tombstones older than `tombstoneCutoffMs` are dropped. */
export function buildCheckpointActions(snapshot: Snapshot, tombstoneCutoffMs: number): Action[] {
  const actions: Action[] = [{ protocol: snapshot.protocol }, { metaData: snapshot.metadata }];
  for (const txn of snapshot.txns.values()) actions.push({ txn });
  for (const domainMetadata of snapshot.domains.values()) actions.push({ domainMetadata });
  for (const add of snapshot.files) {
    const { statsParsed: _parsed, ...rest } = add;
    actions.push({ add: { ...rest, dataChange: false } });
  }
  for (const remove of snapshot.tombstones) {
    if ((remove.deletionTimestamp ?? 0) <= tombstoneCutoffMs) continue;
    const { stats: _stats, tags: _tags, ...rest } = remove;
    actions.push({ remove: { ...rest, dataChange: false } });
  }
  return actions;
}

export function getCheckpointPath(tableRoot: string, version: number): string {
  return joinLakePath(tableRoot, '_delta_log', `${formatVersion(version)}.checkpoint.parquet`);
}

/** Writes a classic checkpoint at `version` (latest when absent) and points `_last_checkpoint` at it. */
export async function writeCheckpoint(
  effects: WriteEffects,
  tableRoot: string,
  options: { version?: number; snapshot?: Snapshot } = {},
): Promise<CheckpointInfo> {
  const snapshot =
    options.snapshot ??
    (await loadSnapshot(
      effects,
      tableRoot,
      options.version === undefined ? {} : { version: options.version },
    ));
  // A table needing features we lack (e.g. v2Checkpoint) must not get a checkpoint of ours.
  assertWriterProtocol(snapshot.protocol, snapshot.metadata);
  const cutoff = getNow(effects) - getDeletedFileRetentionMs(snapshot.metadata.configuration ?? {});
  const actions = buildCheckpointActions(snapshot, cutoff);
  const columns = ['txn', 'add', 'remove', 'metaData', 'protocol'];
  if (snapshot.domains.size > 0) columns.push('domainMetadata');
  const dir = await mkdtemp(path.join(tmpdir(), 'delta-checkpoint-'));
  const target = getCheckpointPath(tableRoot, snapshot.version);
  try {
    const jsonPath = path.join(dir, 'actions.json');
    const parquetPath = path.join(dir, 'checkpoint.parquet');
    await writeFile(jsonPath, serializeActions(actions));
    const types = columns.map(
      (column) => `${column}: ${toSqlString(CHECKPOINT_COLUMN_TYPES[column] as string)}`,
    );
    const source = `read_json(${toSqlString(jsonPath)}, format = 'newline_delimited', columns = {${types.join(', ')}})`;
    const select = columns.map((column) => `"${column}"`).join(', ');
    await effects.duckdb.run(
      `COPY (SELECT ${select} FROM ${source}) TO ${toSqlString(parquetPath)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const sizeInBytes = (await stat(parquetPath)).size;
    await effects.storage.writeStream(target, createReadStream(parquetPath));
    const info: CheckpointInfo = {
      version: snapshot.version,
      size: actions.length,
      sizeInBytes,
      numOfAddFiles: snapshot.files.length,
    };
    await writeLastCheckpoint(effects, tableRoot, info);
    return info;
  } catch (cause) {
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError('WRITE_FAILED', `Cannot write checkpoint ${target}`, { cause });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Updates `_last_checkpoint` unless it already names a newer checkpoint (a slower concurrent writer). */
async function writeLastCheckpoint(
  effects: WriteEffects,
  tableRoot: string,
  info: CheckpointInfo,
): Promise<void> {
  const lastPath = joinLakePath(tableRoot, '_delta_log', '_last_checkpoint');
  try {
    const current = JSON.parse(new TextDecoder().decode(await effects.storage.read(lastPath))) as {
      version?: unknown;
    };
    if (typeof current.version === 'number' && current.version > info.version) return;
  } catch {
    // Missing or unreadable: it is only a hint, so it is simply rewritten.
  }
  await effects.storage.write(lastPath, JSON.stringify(info));
}
