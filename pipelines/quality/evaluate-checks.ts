// Evaluates a table's checks over one relation (its incoming rows, or its new snapshot) with native DuckDB, one
// query per check. A check that cannot be evaluated (a column that does not exist, a refused SQL) fails with the
// reason, under its own severity: a typo must not pass silently.

import type { DuckDbSession } from '../engine/duckdb-session';
import type { CheckDefinition } from '../definition/definition-schema';
import type { TableDefinition } from '../definition/load-definition';
import { checkStage, type CheckResult, type CheckStage } from './check-result';
import {
  buildDuplicatesSql,
  buildNullCountsSql,
  buildRangeSql,
  buildUnacceptedSql,
  percentChange,
  withRelation,
} from './check-sql';
import { runCheckSql, validateCheckSql } from './custom-sql';

export interface CheckTarget {
  table: string;
  primaryKey: string[];
  /** Which relation `relationSql` is: the name a custom check reads. */
  stage: CheckStage;
  relationSql: string;
  /** The table's row count now (null: no version yet) and as it will be after this run, for row_count_change. */
  rowCounts?: { before: number | null; after: number };
  signal?: AbortSignal;
}

/** Checks evaluated before the Delta commit: those on incoming rows, and the row count change (a truncated load). */
export function preCommitChecks(table: Pick<TableDefinition, 'checks'>): CheckDefinition[] {
  return (table.checks ?? []).filter(
    (check) => check.kind === 'row_count_change' || checkStage(check) === 'incoming',
  );
}

/** Checks on the new snapshot, evaluated after the commit and before the MySQL sync. */
export function snapshotChecks(table: Pick<TableDefinition, 'checks'>): CheckDefinition[] {
  return (table.checks ?? []).filter(
    (check) => check.kind !== 'row_count_change' && checkStage(check) === 'snapshot',
  );
}

export function describeCheck(check: CheckDefinition, primaryKey: string[]): string {
  switch (check.kind) {
    case 'not_null':
      return `not_null(${check.columns.join(', ')})`;
    case 'unique':
      return `unique(${(check.columns ?? primaryKey).join(', ')})`;
    case 'accepted_values':
    case 'range':
      return `${check.kind}(${check.column})`;
    case 'row_count_change':
      return `row_count_change(±${check.maxPercent}%)`;
    case 'sql':
      return `sql:${check.name}`;
  }
}

type Outcome = Pick<CheckResult, 'passed' | 'observed' | 'message'> & { check?: string; column?: string };

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

async function measure(
  session: DuckDbSession,
  check: CheckDefinition,
  target: CheckTarget,
): Promise<Outcome[]> {
  const over = (query: string) => session.queryJson(withRelation('checked', target.relationSql, query));
  switch (check.kind) {
    case 'not_null': {
      const [counts = {}] = await over(buildNullCountsSql(check.columns));
      return check.columns.map((column) => {
        const nulls = Number(counts[column] ?? 0);
        return {
          check: `not_null(${column})`,
          column,
          passed: nulls === 0,
          observed: nulls,
          message: nulls === 0 ? 'no nulls' : `${plural(nulls, 'row')} with ${column} null`,
        };
      });
    }
    case 'unique': {
      const columns = check.columns ?? target.primaryKey;
      const rows = await over(buildDuplicatesSql(columns));
      const duplicated = Number(rows[0]?.__duplicated ?? 0);
      const example = rows[0]
        ? ` (e.g. ${columns.map((c) => `${c}=${String(rows[0]?.[c])}`).join(', ')} appears ${String(rows[0].__copies)} times)`
        : '';
      return [
        {
          ...(columns.length === 1 ? { column: columns[0] } : {}),
          passed: duplicated === 0,
          observed: duplicated,
          message:
            duplicated === 0
              ? 'no duplicates'
              : `${plural(duplicated, 'value')} appear more than once${example}`,
        },
      ];
    }
    case 'accepted_values': {
      const rows = await over(buildUnacceptedSql(check.column, check.values));
      const failing = Number(rows[0]?.__failing ?? 0);
      const examples = rows.map((row) => `${String(row.value)} (${String(row.rows)})`).join(', ');
      return [
        {
          column: check.column,
          passed: failing === 0,
          observed: failing,
          message:
            failing === 0
              ? 'every value accepted'
              : `${plural(failing, 'row')} outside the list: ${examples}`,
        },
      ];
    }
    case 'range': {
      const [row = {}] = await over(buildRangeSql(check.column, check.min, check.max));
      const failing = Number(row.failing ?? 0);
      const bounds = `[${check.min ?? '-∞'}, ${check.max ?? '∞'}]`;
      return [
        {
          column: check.column,
          passed: failing === 0,
          observed: failing,
          message:
            failing === 0
              ? `within ${bounds}`
              : `${plural(failing, 'row')} outside ${bounds} (values from ${String(row.lowest)} to ${String(row.highest)})`,
        },
      ];
    }
    case 'row_count_change': {
      const counts = target.rowCounts;
      if (!counts) return [{ passed: true, observed: null, message: 'row counts not known at this step' }];
      if (counts.before === null) {
        return [
          {
            passed: true,
            observed: null,
            message: `first load (${plural(counts.after, 'row')}): nothing to compare`,
          },
        ];
      }
      const change = percentChange(counts.before, counts.after);
      const signed = `${counts.after < counts.before ? '-' : '+'}${change.toFixed(1)}%`;
      return [
        {
          passed: change <= check.maxPercent,
          observed: Math.round(change * 10) / 10,
          message: `${counts.before} → ${plural(counts.after, 'row')} (${signed}, limit ±${check.maxPercent}%)`,
        },
      ];
    }
    case 'sql': {
      const sql = await validateCheckSql(session, check.sql);
      return [await runCheckSql(session, target.stage, target.relationSql, sql)];
    }
  }
}

export async function evaluateChecks(
  session: DuckDbSession,
  checks: CheckDefinition[],
  target: CheckTarget,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    target.signal?.throwIfAborted();
    const base = {
      table: target.table,
      check: describeCheck(check, target.primaryKey),
      kind: check.kind,
      severity: check.severity,
      stage: checkStage(check),
    };
    let outcomes: Outcome[];
    try {
      outcomes = await measure(session, check, target);
    } catch (error) {
      // A cancelled run stops here; anything else is this check's failure, recorded with the reason.
      if (target.signal?.aborted) throw error;
      outcomes = [
        { passed: false, observed: null, message: `could not be evaluated: ${(error as Error).message}` },
      ];
    }
    for (const outcome of outcomes) results.push({ ...base, ...outcome });
  }
  return results;
}
