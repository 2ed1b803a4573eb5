// Turns a Delta snapshot into what the workbench needs: columns, live files with same-origin URLs, deletion-vector
// row positions, and one scan SELECT that reads the files by their lake paths (scan-sql.ts, the same generator the
// server's own reads use), so the browser applies exactly the server's rules for column mapping, casts, partition
// values and deleted rows.

import {
  containsVariant,
  decodePathUri,
  joinLakePath,
  loadDeletedRows,
  parseFileStats,
  toDuckDbType,
  type AddFile,
  type Snapshot,
  type StructField,
} from '@/pipelines/delta';
import { isAbsolutePath } from '@/pipelines/delta';
import { readPhysicalSchemas, type PhysicalNode } from '@/pipelines/delta';
import { buildScanSql, type FileScanInput } from '@/pipelines/delta';
import { getLocalRoot } from '@/pipelines/engine/local-files';
import type { LakeContext } from './lake-context';
import type { ColumnInfo, SnapshotFile, SnapshotView } from './types';
import { WorkbenchError } from './workbench-error';

/** Same-origin URL of the lake file route for a lake path. */
export function toLakeUrl(lakePath: string): string {
  return `/api/lake/${lakePath.split('/').map(encodeURIComponent).join('/')}`;
}

/** The name under which a file is read in a scan: the browser registers its URL under this name. */
export function toScanFileName(lakePath: string): string {
  return `lake/${lakePath}`;
}

export function describeColumns(snapshot: Snapshot): ColumnInfo[] {
  return snapshot.schema.fields.map((field: StructField) => ({
    name: field.name,
    deltaType: typeof field.type === 'string' ? field.type : field.type.type,
    duckdbType: toDuckDbType(field.type),
    nullable: field.nullable,
    partition: snapshot.partitionColumns.includes(field.name),
  }));
}

/**
 * Why the browser cannot read the snapshot, if it cannot: variant columns are decoded by a function only the
 * server's native DuckDB sessions have (pipelines/engine/variant-udf.ts), so such a table runs on the server path.
 */
export function getBrowserUnsupported(table: string, snapshot: Snapshot): string | undefined {
  const variants = snapshot.schema.fields.filter((field) => containsVariant(field.type));
  if (variants.length === 0) return undefined;
  return (
    `Table ${table} has variant column(s) ${variants.map((field) => field.name).join(', ')}, which the browser ` +
    `engine (DuckDB-WASM) cannot decode: run this cell on the server path, where they read as JSON text`
  );
}

/** Lake path of a data file; absolute paths (shallow clones) cannot be served by the lake route. */
export function getDataFilePath(snapshot: Snapshot, file: AddFile): string {
  const decoded = decodePathUri(file.path);
  if (isAbsolutePath(decoded)) {
    throw new WorkbenchError(
      'UNSUPPORTED_TABLE',
      `Table file ${file.path} lies outside the table folder; the workbench can only read files inside the lake`,
    );
  }
  return joinLakePath(snapshot.tableRoot, decoded);
}

/** Rows of a snapshot from file stats minus deleted rows; null when any file lacks numRecords. */
export function countRows(snapshot: Snapshot): number | null {
  let total = 0;
  for (const file of snapshot.files) {
    const records = parseFileStats(file)?.numRecords;
    if (typeof records !== 'number') return null;
    total += records - (file.deletionVector?.cardinality ?? 0);
  }
  return total;
}

const cache = new Map<string, SnapshotView>();
const CACHE_LIMIT = 64;

/** The browser's view of one snapshot. Versions are immutable, so results are cached by table root and version. */
export async function describeSnapshot(
  context: LakeContext,
  table: string,
  snapshot: Snapshot,
): Promise<SnapshotView> {
  const key = `${context.storage.rootUrl}\0${snapshot.tableRoot}\0${snapshot.version}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const browserUnsupported = getBrowserUnsupported(table, snapshot);
  const paths = snapshot.files.map((file) => getDataFilePath(snapshot, file));
  const physical = await readLocalPhysicalSchemas(context, paths);
  const files: SnapshotFile[] = [];
  const inputs: FileScanInput[] = [];
  for (const [index, file] of snapshot.files.entries()) {
    const path = paths[index] as string;
    const deletedRows = file.deletionVector
      ? await loadDeletedRows(context.storage, snapshot.tableRoot, file.deletionVector)
      : undefined;
    const partitionValues = file.partitionValues ?? {};
    files.push({
      path,
      url: toLakeUrl(path),
      size: file.size,
      partitionValues,
      ...(deletedRows ? { deletedRows } : {}),
    });
    const tree = physical.get(path);
    inputs.push({
      localPath: toScanFileName(path),
      partitionValues,
      ...(tree ? { physical: tree } : {}),
      ...(deletedRows ? { deletedRows } : {}),
    });
  }
  const view: SnapshotView = {
    table,
    version: snapshot.version,
    columns: describeColumns(snapshot),
    partitionColumns: snapshot.partitionColumns,
    files,
    scanSql: buildScanSql(inputs, {
      schema: snapshot.schema,
      partitionColumns: snapshot.partitionColumns,
      mode: snapshot.columnMappingMode,
    }),
    ...(browserUnsupported ? { browserUnsupported } : {}),
  };
  cache.set(key, view);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return view;
}

/**
 * Physical column trees (names, field ids) of the files, read from their footers by native DuckDB when the lake is
 * a local folder. On WebHDFS the trees are skipped (reading them would copy every file): columns are then found by
 * their physical names, which is right for every table without column mapping or schema evolution.
 */
async function readLocalPhysicalSchemas(
  context: LakeContext,
  paths: string[],
): Promise<Map<string, PhysicalNode>> {
  const root = getLocalRoot(context.storage);
  const result = new Map<string, PhysicalNode>();
  if (root === null || paths.length === 0) return result;
  const localOf = (lakePath: string) => `${root.replace(/\/+$/, '')}/${lakePath}`;
  const trees = await readPhysicalSchemas(context.duckdb, paths.map(localOf));
  for (const path of paths) {
    const tree = trees.get(localOf(path));
    if (tree) result.set(path, tree);
  }
  return result;
}
