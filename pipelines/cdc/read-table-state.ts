// A table's pipeline state, read from the Delta table itself: the txn version of the pipeline's appId (the run
// sequence, monotonic: txns survive a restore, so a retried run is still applied once) and the state derived from
// the history (pipeline-state.ts): the last run's watermark, or why the next run must reload or compare keys.
// No side store to drift.

import type { ReadEffects } from '../delta/checkpoint';
import { isDeltaError } from '../delta/errors';
import { loadSnapshot } from '../delta/snapshot';
import { getAppId, type TableState } from './plan-run';
import { deriveStateAt } from './pipeline-state';
import { openStateHistory } from './state-history';

export async function readTableState(
  effects: ReadEffects,
  pipeline: string,
  table: string,
  target: string,
): Promise<TableState> {
  let snapshot;
  try {
    snapshot = await loadSnapshot(effects, target);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) {
      return { exists: false, version: null, lastRunSequence: 0, lastRun: null, recovery: null };
    }
    throw error;
  }
  const appId = getAppId(pipeline, table);
  const derived = await deriveStateAt(await openStateHistory(effects, target), appId, snapshot.version);
  return {
    exists: true,
    version: snapshot.version,
    lastRunSequence: snapshot.txns.get(appId)?.version ?? 0,
    lastRun: derived.lastRun,
    recovery: derived.recovery,
  };
}
