// How a merge reads its target files: copy-on-write reads the candidates' rows to carry the unmatched ones into
// new files; with deletion vectors only the matched rows' positions are read and nothing is carried.

import type { AddFile } from '../actions';
import { planScan } from '../scan';
import type { StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import type { WriteEffects } from './effects';
import { loadCandidateDeletions, matchTargetRows, type MatchedTargetRows } from './merge-deletion-vectors';
import { buildConformingSelect } from './write-support';

/** How the merge reads the target: rewrite whole candidate files, or mark matched rows in deletion vectors. */
export type TargetPlan =
  | { kind: 'copyOnWrite'; carried: string; matched(keyJoin: string): string; release(): Promise<void> }
  | {
      kind: 'deletionVectors';
      carried: '';
      matched(keyJoin: string): string;
      deletedRows: (number[] | undefined)[];
      rows: MatchedTargetRows;
      release(): Promise<void>;
    };

/** Copy-on-write: the candidates' rows whose key does not arrive are carried into the new files. */
export async function planCopyOnWriteTarget(
  effects: WriteEffects,
  snapshot: Snapshot,
  candidates: AddFile[],
  staged: string,
  keyJoin: string,
  schema: StructType,
): Promise<TargetPlan> {
  if (candidates.length === 0) {
    return { kind: 'copyOnWrite', carried: '', matched: () => 'false', release: async () => {} };
  }
  const plan = await planScan(effects, { ...snapshot, files: candidates });
  const targetRows = buildConformingSelect(plan.sql, snapshot.schema, schema);
  return {
    kind: 'copyOnWrite',
    carried: `SELECT * FROM (${targetRows}) t WHERE NOT EXISTS (SELECT 1 FROM ${staged} s WHERE ${keyJoin})`,
    matched: (join) => `EXISTS (SELECT 1 FROM (${plan.sql}) t WHERE ${join})`,
    release: () => plan.release(),
  };
}

/** Deletion vectors: only the matched rows' positions are needed; nothing is carried. */
export async function planDeletionVectorTarget(
  effects: WriteEffects,
  snapshot: Snapshot,
  candidates: AddFile[],
  staged: string,
  keys: string[],
): Promise<TargetPlan> {
  const deletedRows = await loadCandidateDeletions(effects, snapshot, candidates);
  const rows = await matchTargetRows(effects, snapshot, candidates, staged, keys, deletedRows);
  return {
    kind: 'deletionVectors',
    carried: '',
    matched: (join) => `EXISTS (SELECT 1 FROM ${rows.table} t WHERE ${join})`,
    deletedRows,
    rows,
    release: () => rows.release(),
  };
}
