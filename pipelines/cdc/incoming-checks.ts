// The quality gate before a Delta commit (issue 14): a table's checks on its incoming rows, and the row count
// change the commit would make (a truncated load), evaluated on what the run is about to write. A failed `error`
// check throws QUALITY_CHECK_FAILED before anything is written, so the table stays at its version and the next run
// plans from the same state; `warn` results travel with the commit's result.

import type { DuckDbSession } from '../engine/duckdb-session';
import type { TableDefinition } from '../definition/load-definition';
import { blockingFailures, QualityCheckError, type CheckResult } from '../quality/check-result';
import { evaluateChecks, preCommitChecks } from '../quality/evaluate-checks';
import { quote } from '../quality/check-sql';

export type RowCounts = { before: number | null; after: number };

export async function countRows(duckdb: DuckDbSession, sql: string): Promise<number> {
  const [row] = await duckdb.queryJson(`SELECT count(*) AS n FROM (${sql})`);
  return Number(row?.n ?? 0);
}

/**
 * The row counts around a merge: the table's rows now, and after the merge = now + source rows whose key is new −
 * delete rows (the delete rows are keys the table holds, by construction).
 */
export async function countMergeRows(
  duckdb: DuckDbSession,
  tableKeysSql: string,
  sourceSql: string,
  keys: string[],
  deleteColumn: string,
): Promise<RowCounts> {
  const join = keys.map((key) => `t.${quote(key)} = s.${quote(key)}`).join(' AND ');
  const flag = quote(deleteColumn);
  const [row] = await duckdb.queryJson(
    `WITH t AS (${tableKeysSql}), s AS (${sourceSql}) SELECT ` +
      `(SELECT count(*) FROM t) AS before, ` +
      `(SELECT count(*) FROM s WHERE NOT s.${flag} AND NOT EXISTS (SELECT 1 FROM t WHERE ${join})) AS inserted, ` +
      `(SELECT count(*) FROM s WHERE s.${flag}) AS deleted`,
  );
  const before = Number(row?.before ?? 0);
  return { before, after: before + Number(row?.inserted ?? 0) - Number(row?.deleted ?? 0) };
}

/** Evaluates the pre-commit checks; throws QualityCheckError when an `error` check failed. */
export async function gateIncoming(
  duckdb: DuckDbSession,
  table: TableDefinition,
  incomingSql: string,
  rowCounts: () => Promise<RowCounts>,
): Promise<CheckResult[]> {
  const checks = preCommitChecks(table);
  if (checks.length === 0) return [];
  const counts = checks.some((check) => check.kind === 'row_count_change') ? await rowCounts() : undefined;
  const results = await evaluateChecks(duckdb, checks, {
    table: table.name,
    primaryKey: table.primaryKey,
    stage: 'incoming',
    relationSql: incomingSql,
    ...(counts ? { rowCounts: counts } : {}),
  });
  if (blockingFailures(results).length > 0) {
    throw new QualityCheckError(
      table.name,
      'stopped before the Delta commit, the table was left unchanged',
      results,
    );
  }
  return results;
}
