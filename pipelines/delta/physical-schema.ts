// The column tree of a Parquet data file (names and field ids), read with DuckDB's parquet_schema(), so that a scan
// can find each logical column by name, physical name or field id and read absent ones as NULL.

import type { DuckDbSession } from '../engine/duckdb-session';
import { toSqlString } from '../engine/duckdb-session';

export interface PhysicalNode {
  name: string;
  fieldId?: number;
  children: PhysicalNode[];
}

interface SchemaRow {
  file_name: string;
  name: string;
  field_id: number | null;
  num_children: number | null;
}

/** Rebuilds trees from parquet_schema()'s depth-first rows (each row says how many children follow it). */
export function buildPhysicalTree(
  rows: { name: string; fieldId?: number; numChildren: number }[],
): PhysicalNode {
  let index = 0;
  const readNode = (): PhysicalNode => {
    const row = rows[index];
    index += 1;
    if (!row) return { name: '', children: [] };
    const node: PhysicalNode = {
      name: row.name,
      children: [],
      ...(row.fieldId !== undefined ? { fieldId: row.fieldId } : {}),
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
): Promise<Map<string, PhysicalNode>> {
  const result = new Map<string, PhysicalNode>();
  if (localPaths.length === 0) return result;
  const unique = [...new Set(localPaths)];
  const rows = (await duckdb.queryJson(
    `SELECT file_name, name, field_id, num_children FROM parquet_schema([${unique.map(toSqlString).join(', ')}])`,
  )) as unknown as SchemaRow[];
  const byFile = new Map<string, { name: string; fieldId?: number; numChildren: number }[]>();
  for (const row of rows) {
    const list = byFile.get(row.file_name) ?? [];
    list.push({
      name: row.name,
      ...(row.field_id !== null && row.field_id !== undefined ? { fieldId: Number(row.field_id) } : {}),
      numChildren: Number(row.num_children ?? 0),
    });
    byFile.set(row.file_name, list);
  }
  for (const [file, list] of byFile) result.set(file, buildPhysicalTree(list));
  return result;
}
