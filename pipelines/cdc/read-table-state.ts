// A table's pipeline state, read from the Delta table itself: the txn version of the pipeline's appId (the run
// sequence) and the newest commitInfo.pipelineRun (watermark, last key comparison). No side store to drift.

import type { ReadEffects } from '../delta/checkpoint';
import { isDeltaError } from '../delta/errors';
import { readHistory } from '../delta/history';
import { loadSnapshot } from '../delta/snapshot';
import { RUN_INFO_KEY } from './commit-info-storage';
import { getAppId, type RunInfo, type TableState } from './plan-run';

const RECENT_COMMITS = 25;

function findRunInfo(entries: { commitInfo?: Record<string, unknown> }[], appId: string): RunInfo | null {
  for (const entry of entries) {
    const info = entry.commitInfo?.[RUN_INFO_KEY] as RunInfo | undefined;
    if (info && `${info.pipeline}/${info.table}` === appId) return info;
  }
  return null;
}

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
      return { exists: false, version: null, lastRunSequence: 0, lastRun: null };
    }
    throw error;
  }
  const appId = getAppId(pipeline, table);
  // Maintenance commits (optimize, vacuum) may come after the last run: look back a little, then everywhere.
  let lastRun = findRunInfo(await readHistory(effects, target, { limit: RECENT_COMMITS }), appId);
  if (!lastRun && snapshot.version >= RECENT_COMMITS)
    lastRun = findRunInfo(await readHistory(effects, target), appId);
  return {
    exists: true,
    version: snapshot.version,
    lastRunSequence: snapshot.txns.get(appId)?.version ?? 0,
    lastRun,
  };
}
