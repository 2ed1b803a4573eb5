// Whether a full load's rows already come out of the table's scan in key order, so the CSV export can skip its
// ORDER BY. That sort is of whole rows: under the pipeline's 1 GB DuckDB cap it spills, and for the demo's 1.17 M
// service requests it took the export from 7 s to 21 s (3.4 s more CPU, the rest waiting on spill files) while
// MariaDB sat idle, since nothing reaches the pipe before a sort ends. A first load's files are the extract's,
// read from the source in its physical order, which for tables filled in key order (most, and the demo's) is key
// order. The check sorts only (file, row number, key), small enough never to spill. Order only makes InnoDB append
// pages instead of splitting them: a wrong answer here would cost speed, never a row.
// For an integer key it also cuts the rows into key ranges of about `rowsPerChunk` rows, which the loader exports
// and loads one after another (full-load.ts), each a filter the Parquet reader answers from row-group stats.

import type { ScanPlan, Snapshot } from '../../delta/index';
import { quoteIdentifier, quoteLiteral } from '../../delta/schema';
import type { SyncEffects } from '../types';

export interface KeyOrder {
  /** Rows come out of a plain scan in ascending key order. */
  ordered: boolean;
  /** Inclusive [low, high] integer key ranges covering every row, in order; empty when not cut. */
  chunks: { low: string; high: string }[];
}

const UNORDERED: KeyOrder = { ordered: false, chunks: [] };

/**
 * Ordered when a plain scan of `plan` yields rows in ascending order of the one key column: the scan is a single
 * read of the files in the snapshot's order (no deletion vectors, partitions, column mapping or per-schema
 * groups), and along the files, row by row, the key never goes down. Not ordered whenever that cannot be told.
 */
export async function readKeyOrder(
  effects: Pick<SyncEffects, 'duckdb'>,
  snapshot: Snapshot,
  plan: Pick<ScanPlan, 'sql' | 'files'>,
  keyColumns: string[],
  rowsPerChunk = 0,
): Promise<KeyOrder> {
  const [key] = keyColumns;
  if (keyColumns.length !== 1 || key === undefined || plan.files.length === 0) return UNORDERED;
  if (snapshot.partitionColumns.length > 0 || snapshot.columnMappingMode !== 'none') return UNORDERED;
  if (snapshot.files.some((file) => file.deletionVector)) return UNORDERED;
  // Files of different physical schemas are read by separate branches, whose order a UNION does not keep.
  if (/\bUNION ALL\b/.test(plan.sql)) return UNORDERED;
  const field = snapshot.schema.fields.find((candidate) => candidate.name === key);
  const integer = ['long', 'integer', 'short', 'byte'].includes(String(field?.type));
  const files = `[${plan.files.map(quoteLiteral).join(', ')}]`;
  const chunk =
    integer && rowsPerChunk > 0 ? `(row_number() OVER w - 1) // ${Math.floor(rowsPerChunk)}` : '0';
  // A table with its own `filename` column (DuckDB's name for the file column) fails the read: then sort.
  const rows = await effects.duckdb
    .queryJson(
      `SELECT count(*) FILTER (WHERE previous >= k OR k IS NULL) AS descents, ` +
        `list({'low': CAST(low AS VARCHAR), 'high': CAST(high AS VARCHAR)} ORDER BY chunk) FILTER (WHERE chunk IS NOT NULL AND first_of_chunk) AS chunks ` +
        `FROM (SELECT k, previous, chunk, row_number() OVER (PARTITION BY chunk ORDER BY f, r) = 1 AS first_of_chunk, ` +
        `min(k) OVER (PARTITION BY chunk) AS low, max(k) OVER (PARTITION BY chunk) AS high FROM (` +
        `SELECT k, f, r, lag(k) OVER w AS previous, ${chunk} AS chunk FROM (` +
        `SELECT ${quoteIdentifier(key)} AS k, list_position(${files}, filename) AS f, file_row_number AS r ` +
        `FROM read_parquet(${files}, hive_partitioning = false, filename = true, file_row_number = true)) ` +
        `WINDOW w AS (ORDER BY f, r)))`,
    )
    .catch(() => null);
  const [row] = rows ?? [];
  if (!row || Number(row.descents) !== 0) return UNORDERED;
  const chunks = integer && rowsPerChunk > 0 ? ((row.chunks as KeyOrder['chunks'] | null) ?? []) : [];
  // Bounds go into SQL as integer literals: any other text and the rows are loaded in one piece instead.
  const integers = chunks.every((c) => /^-?\d+$/.test(c.low) && /^-?\d+$/.test(c.high));
  return { ordered: true, chunks: integers ? chunks : [] };
}
