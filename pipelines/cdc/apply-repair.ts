// Apply a repair extract (rows re-read from the source outside a pipeline run, e.g. a time range) to the table's
// Delta table in ONE merge commit that leaves the pipeline's state alone: no commitInfo.pipelineRun (the next
// run's watermark and key-comparison count stay those of the last run) and its own txn appId
// `<pipeline>/<table>/repair`, versioned by a counter of its own, so the run sequence is not moved either. The
// commit says what it was in commitInfo.pipelineRepair (contract shared with reconcile and rollback).

import { materializeLakeFiles } from '../engine/local-files';
import { loadSnapshot, type Snapshot } from '../delta/snapshot';
import { merge, type WriteEffects } from '../delta/write';
import { PipelineError } from '../definition/errors';
import { getRepairAppId, REPAIR_INFO_KEY, type RepairInfo } from '../definition/commit-info-keys';
import type { TableDefinition } from '../definition/load-definition';
import { isDeltaError } from '../delta/errors';
import { buildIncomingSql } from './apply-run';
import type { RawManifest } from './raw-manifest';

export interface RepairResult {
  table: string;
  version: number;
  alreadyApplied: boolean;
  metrics: Record<string, number>;
  repair: RepairInfo;
}

/** The next repair counter of a table: the repair txn's version in the snapshot + 1. */
export function nextRepairSequence(
  snapshot: Pick<Snapshot, 'txns'>,
  pipeline: string,
  table: string,
): number {
  return (snapshot.txns.get(getRepairAppId(pipeline, table))?.version ?? 0) + 1;
}

/** Loads the table's snapshot, or says plainly that there is nothing to repair yet. */
export async function loadRepairTarget(effects: WriteEffects, table: TableDefinition): Promise<Snapshot> {
  try {
    return await loadSnapshot(effects, table.target);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) {
      throw new PipelineError(
        'UNKNOWN_TABLE',
        `Table ${table.name} has no Delta table yet (${table.target}); run the pipeline once before repairing it`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Merges every row of the extract by key (upserts only: a range read cannot see deletes). Unlike a run, rows whose
 * key and watermark the table already holds are merged too: a repair exists for rows the watermark says are the
 * same and are not. The manifest's runSequence is the repair counter, so a retry applies it once.
 */
export async function applyRepair(
  effects: WriteEffects,
  table: TableDefinition,
  manifest: RawManifest,
  reason: RepairInfo['reason'],
): Promise<RepairResult> {
  const repair: RepairInfo = {
    pipeline: manifest.pipeline,
    table: manifest.table,
    runId: manifest.runId,
    reason,
    rows: manifest.rowCount,
  };
  const txn = { appId: getRepairAppId(manifest.pipeline, manifest.table), version: manifest.runSequence };
  if (manifest.rowCount === 0) {
    // Nothing read: no commit, so a repair of a quiet range leaves no empty version behind.
    const snapshot = await loadSnapshot(effects, table.target);
    return { table: manifest.table, version: snapshot.version, alreadyApplied: false, metrics: {}, repair };
  }
  const parts = await materializeLakeFiles(
    effects.storage,
    manifest.files.map((file) => file.path),
  );
  try {
    const incoming = buildIncomingSql(manifest, parts.paths, true);
    const result = await merge(effects, table.target, incoming, {
      keys: manifest.primaryKey,
      mergeSchema: true,
      txn,
      extraCommitInfo: { [REPAIR_INFO_KEY]: repair },
    });
    return {
      table: manifest.table,
      version: result.version,
      alreadyApplied: result.alreadyApplied,
      metrics: result.metrics,
      repair,
    };
  } finally {
    await parts.release();
  }
}
