// Per-file statistics for `add.stats` (PROTOCOL.md "Per-file Statistics"), computed by DuckDB over the written
// files in one grouped scan. DuckDB renders every bound as JSON text, so numbers keep their exact digits (longs
// beyond 2^53, decimals) and the stats string is assembled without passing values through JS numbers.
// Like Spark: min/max for numbers, decimals, dates, timestamps (ISO-8601, truncated to milliseconds) and strings
// (32-character prefix; a truncated max gets U+10FFFF appended so it stays an upper bound); nullCount for every
// leaf; booleans, binary, arrays and maps get nullCount only; only the first `numIndexedCols` leaves are covered.

import { toSqlString, type DuckDbSession } from '../../engine/duckdb-session';
import { isStructType, quoteIdentifier, type DeltaType, type StructField } from '../schema';

export const STRING_PREFIX_LENGTH = 32;
export const DEFAULT_NUM_INDEXED_COLS = 32;

interface StatsLeaf {
  path: string[];
  type: DeltaType;
}

/** Leaf columns covered by stats, in schema order (struct fields flattened, partition columns excluded). */
export function collectStatsLeaves(fields: StructField[], numIndexedCols: number): StatsLeaf[] {
  const leaves: StatsLeaf[] = [];
  const visit = (field: StructField, prefix: string[]): void => {
    const path = [...prefix, field.name];
    if (isStructType(field.type)) for (const child of field.type.fields) visit(child, path);
    else leaves.push({ path, type: field.type });
  };
  for (const field of fields) visit(field, []);
  return numIndexedCols < 0 ? leaves : leaves.slice(0, numIndexedCols);
}

function hasBounds(type: DeltaType): boolean {
  if (typeof type !== 'string') return false;
  return (
    [
      'byte',
      'short',
      'integer',
      'long',
      'float',
      'double',
      'date',
      'timestamp',
      'timestamp_ntz',
      'string',
    ].includes(type) || type.startsWith('decimal(')
  );
}

/** SQL turning an aggregated bound `value` into JSON text (NULL when it carries no information). */
export function renderBoundSql(value: string, type: string, which: 'min' | 'max'): string {
  switch (type) {
    case 'string':
      if (which === 'min') return `to_json(left(${value}, ${STRING_PREFIX_LENGTH}))::VARCHAR`;
      return `to_json(CASE WHEN length(${value}) > ${STRING_PREFIX_LENGTH} THEN left(${value}, ${STRING_PREFIX_LENGTH}) || chr(1114111) ELSE ${value} END)::VARCHAR`;
    case 'date':
      return `to_json(CAST(${value} AS VARCHAR))::VARCHAR`;
    case 'timestamp':
      return `to_json(strftime(${value}, '%Y-%m-%dT%H:%M:%S.%gZ'))::VARCHAR`;
    case 'timestamp_ntz':
      return `to_json(strftime(${value}, '%Y-%m-%dT%H:%M:%S.%g'))::VARCHAR`;
    case 'float':
    case 'double':
      return `CASE WHEN isfinite(${value}) THEN CAST(${value} AS VARCHAR) END`;
    default:
      return `CAST(${value} AS VARCHAR)`;
  }
}

export interface FileStatsRow {
  /** Local path of the data file as DuckDB reports it. */
  filename: string;
  /** The add.stats JSON string. */
  stats: string;
  numRecords: number;
}

interface StatsNode {
  [key: string]: StatsNode | string;
}

function setPath(target: StatsNode, path: string[], json: string): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next === 'object') node = next;
    else {
      const created: StatsNode = {};
      node[part] = created;
      node = created;
    }
  }
  node[path[path.length - 1] as string] = json;
}

function renderNode(node: StatsNode): string {
  const entries = Object.entries(node).map(
    ([key, value]) => `${JSON.stringify(key)}:${typeof value === 'string' ? value : renderNode(value)}`,
  );
  return `{${entries.join(',')}}`;
}

/** Computes numRecords and the stats JSON of each data file (local paths) in one DuckDB query. */
export async function computeFileStats(
  duckdb: DuckDbSession,
  localPaths: string[],
  dataFields: StructField[],
  numIndexedCols = DEFAULT_NUM_INDEXED_COLS,
): Promise<Map<string, FileStatsRow>> {
  const result = new Map<string, FileStatsRow>();
  if (localPaths.length === 0) return result;
  const leaves = collectStatsLeaves(dataFields, numIndexedCols);
  const selects = ['__delta_file', 'count(*) AS n'];
  leaves.forEach((leaf, index) => {
    const ref = leaf.path.map(quoteIdentifier).join('.');
    selects.push(`count(*) - count(${ref}) AS n${index}`);
    if (hasBounds(leaf.type)) {
      const type = leaf.type as string;
      selects.push(`${renderBoundSql(`min(${ref})`, type, 'min')} AS lo${index}`);
      selects.push(`${renderBoundSql(`max(${ref})`, type, 'max')} AS hi${index}`);
    }
  });
  const source = `read_parquet([${localPaths.map(toSqlString).join(', ')}], filename = '__delta_file', hive_partitioning = false)`;
  const rows = await duckdb.queryJson(`SELECT ${selects.join(', ')} FROM ${source} GROUP BY __delta_file`);
  for (const row of rows) {
    const minValues: StatsNode = {};
    const maxValues: StatsNode = {};
    const nullCount: StatsNode = {};
    leaves.forEach((leaf, index) => {
      setPath(nullCount, leaf.path, String(row[`n${index}`]));
      const lo = row[`lo${index}`];
      const hi = row[`hi${index}`];
      if (typeof lo === 'string') setPath(minValues, leaf.path, lo);
      if (typeof hi === 'string') setPath(maxValues, leaf.path, hi);
    });
    const numRecords = Number(row.n);
    const stats = `{"numRecords":${numRecords},"minValues":${renderNode(minValues)},"maxValues":${renderNode(maxValues)},"nullCount":${renderNode(nullCount)}}`;
    // DuckDB's file name column gets its own name: a table may well have a column called `filename`.
    result.set(String(row.__delta_file), { filename: String(row.__delta_file), stats, numRecords });
  }
  return result;
}
