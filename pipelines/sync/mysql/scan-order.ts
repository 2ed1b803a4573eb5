// Whether a full load's rows already come out of the table's scan in key order, so the CSV export can skip its
// ORDER BY. That sort is of whole rows: under the pipeline's 1 GB DuckDB cap it spills, and for the demo's 1.17 M
// service requests it took the export from 7 s to 21 s (3.4 s more CPU, the rest waiting on spill files) while
// MariaDB sat idle, since nothing reaches the pipe before a sort ends. A first load's files are the extract's,
// read from the source in its physical order, which for tables filled in key order (most, and the demo's) is key
// order. The check sorts only (file, row number, key), small enough never to spill. Order only makes InnoDB append
// pages instead of splitting them: a wrong answer here would cost speed, never a row.

import type { ScanPlan, Snapshot } from '../../delta/index';
import { quoteIdentifier, quoteLiteral } from '../../delta/schema';
import type { SyncEffects } from '../types';

/**
 * True when a plain scan of `plan` yields rows in ascending order of the one key column: the scan is a single
 * read of the files in the snapshot's order (no deletion vectors, partitions, column mapping or per-schema
 * groups), and along the files, row by row, the key never goes down. False whenever that cannot be told.
 */
export async function isScanInKeyOrder(
  effects: Pick<SyncEffects, 'duckdb'>,
  snapshot: Snapshot,
  plan: Pick<ScanPlan, 'sql' | 'files'>,
  keyColumns: string[],
): Promise<boolean> {
  const [key] = keyColumns;
  if (keyColumns.length !== 1 || key === undefined || plan.files.length === 0) return false;
  if (snapshot.partitionColumns.length > 0 || snapshot.columnMappingMode !== 'none') return false;
  if (snapshot.files.some((file) => file.deletionVector)) return false;
  // Files of different physical schemas are read by separate branches, whose order a UNION does not keep.
  if (/\bUNION ALL\b/.test(plan.sql)) return false;
  const files = `[${plan.files.map(quoteLiteral).join(', ')}]`;
  // A table with its own `filename` column (DuckDB's name for the file column) fails the read: then sort.
  const rows = await effects.duckdb
    .queryJson(
      `SELECT count(*) AS descents FROM (SELECT k, lag(k) OVER (ORDER BY f, r) AS previous FROM (` +
        `SELECT ${quoteIdentifier(key)} AS k, list_position(${files}, filename) AS f, file_row_number AS r ` +
        `FROM read_parquet(${files}, hive_partitioning = false, filename = true, file_row_number = true))) ` +
        `WHERE previous >= k OR k IS NULL`,
    )
    .catch(() => null);
  return rows !== null && Number(rows[0]?.descents) === 0;
}
