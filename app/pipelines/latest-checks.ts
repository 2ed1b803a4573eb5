// Each table's latest data-quality results among a pipeline's runs: for every table, the checks of the newest run
// that evaluated any of its checks (a run stopped before a table's turn says nothing about that table).

import type { RunView } from '../_lib/control-types';

export type CheckView = NonNullable<RunView['results']['quality']>[number];

export interface TableChecks {
  table: string;
  runId: string;
  startedAt: string;
  checks: CheckView[];
}

export function latestChecksPerTable(runs: RunView[]): TableChecks[] {
  const newestFirst = [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const latest = new Map<string, TableChecks>();
  for (const run of newestFirst) {
    const seenInRun = new Map<string, CheckView[]>();
    for (const check of run.results?.quality ?? []) {
      if (latest.has(check.table)) continue;
      seenInRun.set(check.table, [...(seenInRun.get(check.table) ?? []), check]);
    }
    for (const [table, checks] of seenInRun) {
      latest.set(table, { table, runId: run.id, startedAt: run.startedAt, checks });
    }
  }
  return [...latest.values()].sort((a, b) => a.table.localeCompare(b.table));
}

/** Passed, failed (an error check: it stopped the step) or warning (a warn check: recorded, let through). */
export function checkVerdict(check: Pick<CheckView, 'passed' | 'severity'>): 'passed' | 'failed' | 'warning' {
  if (check.passed) return 'passed';
  return check.severity === 'error' ? 'failed' : 'warning';
}
