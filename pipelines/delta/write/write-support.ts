// Pieces every write operation shares: loading the snapshot to write against, idempotent-writer (txn) checks,
// remove actions, the SELECT that casts incoming rows to the table schema, writing a snapshot's new data files,
// the actions of a data write, committing on top of the snapshot read, and the result shape.

import type { Action, AddFile, Metadata, Protocol, RemoveFile } from '../actions';
import { DeltaError } from '../errors';
import { quoteIdentifier, toDuckDbType, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { commitTransaction, type CommitOptions, type CommitRequest, type CommitResult } from './transaction';
import { writeDataFiles, type DataLayout } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { getNumIndexedCols, isAppendOnly } from './table-properties';
import { collectTableConstraints } from './table-constraints';
import { isSameProtocol, requireProtocol } from './write-protocol';
import { toSchemaString } from './table-schema';

/** Idempotent writers: the same (appId, version) is applied at most once (PROTOCOL.md "Transaction Identifiers"). */
export interface TxnOption {
  appId: string;
  version: number;
}

export interface WriteResult extends CommitResult {
  /** Operation metrics as recorded in commitInfo.operationMetrics. */
  metrics: Record<string, number>;
}

/** The existing version when this txn was already applied, else undefined. */
export function findAppliedTxn(snapshot: Snapshot, txn: TxnOption | undefined): number | undefined {
  if (!txn) return undefined;
  if (!txn.appId || !Number.isInteger(txn.version)) {
    throw new DeltaError('INVALID_ARGUMENT', 'txn needs an appId and an integer version');
  }
  const known = snapshot.txns.get(txn.appId);
  return known !== undefined && known.version >= txn.version ? snapshot.version : undefined;
}

export function buildTxnAction(effects: WriteEffects, txn: TxnOption | undefined): Action[] {
  return txn ? [{ txn: { appId: txn.appId, version: txn.version, lastUpdated: getNow(effects) } }] : [];
}

/** A remove action for a live file (Spark's shape: extended metadata, size and stats carried over). */
export function buildRemoveAction(file: AddFile, deletionTimestamp: number, dataChange: boolean): RemoveFile {
  return {
    path: file.path,
    deletionTimestamp,
    dataChange,
    extendedFileMetadata: true,
    partitionValues: file.partitionValues,
    size: file.size,
    ...(typeof file.stats === 'string' ? { stats: file.stats } : {}),
    ...(file.tags ? { tags: file.tags } : {}),
    ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
    ...(file.baseRowId !== undefined && file.baseRowId !== null ? { baseRowId: file.baseRowId } : {}),
    ...(file.defaultRowCommitVersion !== undefined && file.defaultRowCommitVersion !== null
      ? { defaultRowCommitVersion: file.defaultRowCommitVersion }
      : {}),
  };
}

/**
 * Refuses a write that changes or removes rows of a `delta.appendOnly` table (PROTOCOL.md "Append-only Tables");
 * `what` says what the write would have done. Enforced whenever the property is true, even on a protocol that
 * does not list the feature: the table's owner asked for it.
 */
export function assertMayChangeRows(metadata: Metadata, what: string): void {
  if (isAppendOnly(metadata.configuration ?? {})) {
    throw new DeltaError(
      'APPEND_ONLY',
      `The table is append-only (delta.appendOnly=true) and ${what}; only appends and compaction are allowed`,
    );
  }
}

/** Refuses data-changing removes on `delta.appendOnly` tables; rearranging (dataChange=false) is allowed. */
export function assertMayRemove(metadata: Metadata, removes: RemoveFile[]): void {
  const changing = removes.filter((remove) => remove.dataChange);
  if (changing.length > 0) {
    assertMayChangeRows(metadata, `the write would remove ${changing.length} data file(s)`);
  }
}

/**
 * SELECT over `sourceSql` returning exactly the table's columns, in order, cast to the table types; columns the
 * source lacks are NULL. Matching is case-insensitive, like Delta's.
 */
export function buildConformingSelect(sourceSql: string, source: StructType, table: StructType): string {
  const columns = table.fields.map((field) => {
    const match = source.fields.find(
      (candidate) => candidate.name.toLowerCase() === field.name.toLowerCase(),
    );
    const type = toDuckDbType(field.type);
    if (!match) return `CAST(NULL AS ${type}) AS ${quoteIdentifier(field.name)}`;
    // Primitives are always cast, so DuckDB-only physical types (UINTEGER, UUID, ENUM, TIMESTAMP_MS…) reach the
    // Parquet file as the type the schema names; nested types are cast only when they differ.
    const same = typeof field.type !== 'string' && JSON.stringify(match.type) === JSON.stringify(field.type);
    const ref = quoteIdentifier(match.name);
    return same
      ? `${ref} AS ${quoteIdentifier(field.name)}`
      : `CAST(${ref} AS ${type}) AS ${quoteIdentifier(field.name)}`;
  });
  return `SELECT ${columns.join(', ')} FROM (${sourceSql})`;
}

/** Protocol and metaData actions needed when the schema changes (schema evolution). */
export function buildSchemaChangeActions(snapshot: Snapshot, schema: StructType): Action[] {
  const actions: Action[] = [];
  const protocol: Protocol = requireProtocol(snapshot.protocol, schema, snapshot.metadata.configuration);
  if (!isSameProtocol(protocol, snapshot.protocol)) actions.push({ protocol });
  if (schema !== snapshot.schema) {
    actions.push({ metaData: { ...snapshot.metadata, schemaString: toSchemaString(schema) } });
  }
  return actions;
}

/** Writes the rows of sql as new data files of the snapshot's table, laid out by its partition columns and with
 * stats for as many columns as its configuration asks. */
export function writeSnapshotFiles(
  effects: WriteEffects,
  tableRoot: string,
  snapshot: Snapshot,
  input: { sql: string; schema: StructType; dataChange: boolean; layout?: DataLayout | undefined },
): Promise<AddFile[]> {
  return writeDataFiles(effects, {
    tableRoot,
    sql: input.sql,
    schema: input.schema,
    partitionColumns: snapshot.partitionColumns,
    dataChange: input.dataChange,
    numIndexedCols: getNumIndexedCols(snapshot.metadata.configuration ?? {}),
    // New rows obey the table's rules; a rewrite that changes no data (optimize) only moves rows already there.
    constraints: input.dataChange
      ? collectTableConstraints(snapshot.metadata.configuration ?? {}, input.schema)
      : [],
    ...(input.layout ? { layout: input.layout } : {}),
  });
}

/** A data write's actions, in commit order: protocol and metaData when the schema evolved, the txn, the actions on
 * existing files (removes, deletion vectors), then the new files. */
export function buildDataWriteActions(
  effects: WriteEffects,
  snapshot: Snapshot,
  schema: StructType,
  txn: TxnOption | undefined,
  fileActions: Action[],
  adds: AddFile[],
): Action[] {
  return [
    ...buildSchemaChangeActions(snapshot, schema),
    ...buildTxnAction(effects, txn),
    ...fileActions,
    ...adds.map((add) => ({ add })),
  ];
}

/** Commits on top of the snapshot the write read: its table, its version as the read version, its configuration
 * (a data write leaves the configuration as it is). */
export function commitOnSnapshot(
  effects: WriteEffects,
  snapshot: Snapshot,
  request: Omit<CommitRequest, 'tableRoot' | 'readVersion' | 'configuration'>,
  options: CommitOptions,
): Promise<CommitResult> {
  return commitTransaction(
    effects,
    {
      tableRoot: snapshot.tableRoot,
      readVersion: snapshot.version,
      ...request,
      configuration: snapshot.metadata.configuration ?? {},
    },
    options,
  );
}

export function sumSizes(files: { size?: number | null }[]): number {
  return files.reduce((total, file) => total + (file.size ?? 0), 0);
}

export function countRecords(files: AddFile[]): number {
  let total = 0;
  for (const file of files) {
    if (typeof file.stats !== 'string') continue;
    const numRecords = (JSON.parse(file.stats) as { numRecords?: unknown }).numRecords;
    if (typeof numRecords === 'number') total += numRecords;
  }
  return total;
}
