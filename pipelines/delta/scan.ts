// Scanning a snapshot into logical rows with native DuckDB. Files are located through LakeStorage (copied to temp
// files for remote backends), deletion vectors are decoded in TypeScript, and scan-sql.ts builds the query.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLocalRoot, materializeLakeFile, type LocalFile } from '../engine/local-files';
import type { AddFile } from './actions';
import type { ReadEffects } from './checkpoint';
import { loadDeletedRows } from './deletion-vectors';
import { DeltaError } from './errors';
import { joinLakePath } from './log-files';
import { decodePathUri, isAbsolutePath } from './paths';
import { readPhysicalSchemas } from './physical-schema';
import { buildScanSql, type FileScanInput } from './scan-sql';
import { containsVariant, type StructType } from './schema';
import type { Snapshot } from './snapshot';

export interface ScanPlan {
  /** One SQL query returning the snapshot's logical rows, columns in schema order. */
  sql: string;
  /** Column names in order. */
  columns: string[];
  /** Local paths of the files `sql` reads (a sandboxed session may read these and nothing else). */
  files: string[];
  /** Frees temporary copies of remote files; call after the query has run. */
  release(): Promise<void>;
}

export interface ScanOptions {
  /**
   * IANA zone in which the writer formatted zone-less `timestamp` partition values (Spark uses its session zone);
   * UTC by default, which is what delta-rs and Spark in UTC write.
   */
  partitionTimeZone?: string;
  /** Logical top-level columns to return, in this order; all columns when absent. */
  columns?: string[];
}

/** The schema restricted to the requested columns. */
function selectColumns(schema: StructType, columns: string[] | undefined): StructType {
  if (!columns) return schema;
  const fields = columns.map((name) => {
    const field = schema.fields.find((candidate) => candidate.name === name);
    if (!field) throw new DeltaError('INVALID_ARGUMENT', `Unknown column '${name}'`);
    return field;
  });
  return { type: 'struct', fields };
}

/** A local path DuckDB can open for an add action's path. */
function locateDataFile(effects: ReadEffects, snapshot: Snapshot, file: AddFile): Promise<LocalFile> {
  return locateTableFile(effects, snapshot.tableRoot, file);
}

/** A local path DuckDB can open for a data or change data file's (URI-encoded) path in the log. */
export async function locateTableFile(
  effects: ReadEffects,
  tableRoot: string,
  file: { path: string },
): Promise<LocalFile> {
  const decoded = decodePathUri(file.path);
  if (!isAbsolutePath(decoded)) return materializeLakeFile(effects.storage, joinLakePath(tableRoot, decoded));
  if (getLocalRoot(effects.storage) !== null) {
    const local = decoded.startsWith('file:') ? fileURLToPath(new URL(file.path)) : path.resolve(decoded);
    return { path: local, release: async () => {} };
  }
  throw new DeltaError(
    'UNSUPPORTED_FEATURE',
    `Absolute data file paths are only readable on local storage: ${file.path}`,
  );
}

/** Builds the query that reads every live file of the snapshot. */
export async function planScan(
  effects: ReadEffects,
  snapshot: Snapshot,
  options: ScanOptions = {},
): Promise<ScanPlan> {
  const schema = selectColumns(snapshot.schema, options.columns);
  const locals: LocalFile[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(locals.map((local) => local.release()));
  };
  try {
    for (const file of snapshot.files) locals.push(await locateDataFile(effects, snapshot, file));
    const physical = await readPhysicalSchemas(
      effects.duckdb,
      locals.map((local) => local.path),
      { detectVariants: schema.fields.some((field) => containsVariant(field.type)) },
    ).catch((cause: unknown) => {
      throw new DeltaError('READ_FAILED', `Cannot read data file schemas of ${snapshot.tableRoot}`, {
        cause,
      });
    });
    const inputs: FileScanInput[] = [];
    for (const [index, file] of snapshot.files.entries()) {
      const local = locals[index] as LocalFile;
      const deletedRows = file.deletionVector
        ? await loadDeletedRows(effects.storage, snapshot.tableRoot, file.deletionVector)
        : undefined;
      const tree = physical.get(local.path);
      inputs.push({
        localPath: local.path,
        partitionValues: file.partitionValues ?? {},
        ...(tree ? { physical: tree } : {}),
        ...(deletedRows ? { deletedRows } : {}),
      });
    }
    const sql = buildScanSql(inputs, {
      schema,
      partitionColumns: snapshot.partitionColumns,
      mode: snapshot.columnMappingMode,
      ...(options.partitionTimeZone ? { partitionTimeZone: options.partitionTimeZone } : {}),
    });
    return {
      sql,
      columns: schema.fields.map((field) => field.name),
      files: locals.map((local) => local.path),
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Reads all logical rows of a snapshot as JSON-compatible objects (small tables, tests, the CLI). */
export async function readSnapshotRows(
  effects: ReadEffects,
  snapshot: Snapshot,
  options: ScanOptions = {},
): Promise<Record<string, unknown>[]> {
  const plan = await planScan(effects, snapshot, options);
  try {
    return await effects.duckdb.queryJson(plan.sql);
  } catch (cause) {
    throw new DeltaError(
      'READ_FAILED',
      `Cannot read data files of ${snapshot.tableRoot} v${snapshot.version}`,
      {
        cause,
      },
    );
  } finally {
    await plan.release();
  }
}
