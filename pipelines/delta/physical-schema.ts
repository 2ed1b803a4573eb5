// The column tree of a Parquet data file (names and field ids), read with DuckDB's parquet_schema(), so that a scan
// can find each logical column by name, physical name or field id and read absent ones as NULL.

import type { DuckDbSession } from '../engine/duckdb-session';
import { toSqlString } from '../engine/duckdb-session';

export interface PhysicalNode {
  name: string;
  fieldId?: number;
  /**
   * Parquet type of a leaf (physical/converted/logical type, precision, scale). Files whose columns differ in type
   * (a column widened between writes) must not share a read_parquet call: DuckDB casts every file of a call to the
   * first file's types and fails on values that do not fit ("failed to cast column … from …").
   */
  type?: string;
  /**
   * True for a top-level column that DuckDB reads as its own VARIANT type: the file annotates it with Parquet's
   * VARIANT logical type (Spark 4.0 writes a plain struct; later writers may annotate, and may shred it). Such a
   * column has no `value`/`metadata` struct members to extract (scan-sql.ts converts it back to the binaries).
   */
  engineVariant?: boolean;
  children: PhysicalNode[];
}

export interface PhysicalRow {
  name: string;
  fieldId?: number;
  type?: string;
  numChildren: number;
}

interface SchemaRow {
  file_name: string;
  name: string;
  field_id: number | null;
  num_children: number | null;
  type: string | null;
  converted_type: string | null;
  logical_type: string | null;
  precision: number | string | null;
  scale: number | string | null;
}

/** One text for a leaf's Parquet type; null for groups (structs, lists, maps), whose leaves carry the types. */
function describeParquetType(row: SchemaRow): string | undefined {
  if (row.type === null || row.type === undefined) return undefined;
  return [row.type, row.converted_type, row.logical_type, row.precision, row.scale]
    .map((part) => (part === null || part === undefined ? '' : String(part)))
    .join('|');
}

/** Rebuilds trees from parquet_schema()'s depth-first rows (each row says how many children follow it). */
export function buildPhysicalTree(rows: PhysicalRow[]): PhysicalNode {
  let index = 0;
  const readNode = (): PhysicalNode => {
    const row = rows[index];
    index += 1;
    if (!row) return { name: '', children: [] };
    const node: PhysicalNode = {
      name: row.name,
      children: [],
      ...(row.fieldId !== undefined ? { fieldId: row.fieldId } : {}),
      ...(row.type !== undefined ? { type: row.type } : {}),
    };
    for (let i = 0; i < row.numChildren; i += 1) node.children.push(readNode());
    return node;
  };
  return readNode();
}

/** Physical column trees of local Parquet files, keyed by local path. */
export async function readPhysicalSchemas(
  duckdb: DuckDbSession,
  localPaths: string[],
  options: { detectVariants?: boolean } = {},
): Promise<Map<string, PhysicalNode>> {
  const result = new Map<string, PhysicalNode>();
  if (localPaths.length === 0) return result;
  const unique = [...new Set(localPaths)];
  const rows = (await duckdb.queryJson(
    `SELECT file_name, name, field_id, num_children, type, converted_type, logical_type, precision, scale FROM parquet_schema([${unique.map(toSqlString).join(', ')}])`,
  )) as unknown as SchemaRow[];
  const byFile = new Map<string, PhysicalRow[]>();
  for (const row of rows) {
    const list = byFile.get(row.file_name) ?? [];
    const type = describeParquetType(row);
    list.push({
      name: row.name,
      ...(row.field_id !== null && row.field_id !== undefined ? { fieldId: Number(row.field_id) } : {}),
      ...(type !== undefined ? { type } : {}),
      numChildren: Number(row.num_children ?? 0),
    });
    byFile.set(row.file_name, list);
  }
  for (const [file, list] of byFile) result.set(file, buildPhysicalTree(list));
  if (options.detectVariants) await markEngineVariants(duckdb, result);
  return result;
}

/**
 * Marks the top-level columns DuckDB reads as VARIANT (parquet_schema() does not show the logical type of a group,
 * so each file's columns are described). One footer read per file: only done for tables with variant columns.
 */
async function markEngineVariants(duckdb: DuckDbSession, trees: Map<string, PhysicalNode>): Promise<void> {
  for (const [file, tree] of trees) {
    const columns = (await duckdb.queryJson(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${toSqlString(file)}))`,
    )) as { column_name: string; column_type: string }[];
    for (const column of columns) {
      if (column.column_type !== 'VARIANT') continue;
      const node = tree.children.find((child) => child.name === column.column_name);
      if (node) node.engineVariant = true;
    }
  }
}
