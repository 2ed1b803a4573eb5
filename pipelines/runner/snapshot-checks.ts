// The quality gate before the MySQL sync (issue 14): a table's checks on its current Delta snapshot. It runs at
// every sync of pipelines (after a run's commits, in `sync.run`, in `npm run pipeline -- run`), on whatever
// version the table is at, so a snapshot that failed keeps its MySQL copy unsynced until a later version passes —
// no flag to clear. The admin override is the direct `npm run sync -- run`, which evaluates no checks.

import { loadSnapshot } from '../delta/snapshot';
import { planScan } from '../delta/scan';
import type { ReadEffects } from '../delta/checkpoint';
import type { TableDefinition } from '../definition/load-definition';
import type { CheckResult } from '../quality/check-result';
import { evaluateChecks, snapshotChecks } from '../quality/evaluate-checks';

export async function checkSnapshot(
  effects: ReadEffects & { signal?: AbortSignal },
  table: TableDefinition,
): Promise<CheckResult[]> {
  const checks = snapshotChecks(table);
  if (checks.length === 0) return [];
  const plan = await planScan(effects, await loadSnapshot(effects, table.target));
  try {
    return await evaluateChecks(effects.duckdb, checks, {
      table: table.name,
      primaryKey: table.primaryKey,
      stage: 'snapshot',
      relationSql: plan.sql,
      ...(effects.signal ? { signal: effects.signal } : {}),
    });
  } finally {
    await plan.release();
  }
}
