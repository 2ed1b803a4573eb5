// Restore (rollback) of a table that pipelines write: the Delta restore, plus, in the same commit, what the state
// of each pipeline writing it becomes (commitInfo.pipelineRestore, see pipeline-state.ts): the restored
// version's watermark and run, or "reload needed" and why. The next run reads it back and re-extracts everything
// changed since that watermark (with a key comparison for rows deleted since), so the table converges to the
// source. The delta CLI and the admin restore route both restore through here.

import type { ReadEffects } from '../delta/checkpoint';
import { loadSnapshot } from '../delta/snapshot';
import { restore, type RestoreOptions, type WriteEffects } from '../delta/write';
import {
  buildRestoreRecord,
  deriveStateAt,
  describeNextRun,
  RESTORE_INFO_KEY,
  type PipelineRestoreRecord,
} from './pipeline-state';
import { openStateHistory } from './state-history';

/** Txn appIds of pipeline runs are <pipeline>/<table> (plan-run.ts getAppId); repairs end in /repair. */
const RUN_APP_ID = /^[a-z0-9][a-z0-9_-]*\/[A-Za-z_][A-Za-z0-9_$#]*$/;

export interface RestoredPipeline {
  appId: string;
  record: PipelineRestoreRecord;
  /** What the next run of this pipeline table does, in one line. */
  nextRun: string;
}

export interface RestoreTableResult {
  version: number;
  restoredVersion: number;
  metrics: Record<string, number>;
  pipelines: RestoredPipeline[];
}

/** The pipeline state each run appId of the table has as of `restoredVersion`. */
export async function buildRestoreRecords(
  effects: ReadEffects,
  tableRoot: string,
  appIds: string[],
  restoredVersion: number,
): Promise<Record<string, PipelineRestoreRecord>> {
  const history = await openStateHistory(effects, tableRoot);
  const records: Record<string, PipelineRestoreRecord> = {};
  for (const appId of appIds) {
    records[appId] = buildRestoreRecord(
      restoredVersion,
      await deriveStateAt(history, appId, restoredVersion),
    );
  }
  return records;
}

export async function restoreWithPipelineState(
  effects: WriteEffects,
  tableRoot: string,
  options: RestoreOptions,
): Promise<RestoreTableResult> {
  const current = await loadSnapshot(effects, tableRoot);
  const restoredVersion =
    options.version ??
    (
      await loadSnapshot(effects, tableRoot, {
        ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
        ...(options.timestampSource ? { timestampSource: options.timestampSource } : {}),
      })
    ).version;
  const appIds = [...current.txns.keys()].filter((appId) => RUN_APP_ID.test(appId)).sort();
  const records = await buildRestoreRecords(effects, tableRoot, appIds, restoredVersion);
  const result = await restore(effects, tableRoot, {
    ...options,
    extraCommitInfo: {
      ...options.extraCommitInfo,
      ...(appIds.length > 0 ? { [RESTORE_INFO_KEY]: records } : {}),
    },
  });
  return {
    version: result.version,
    restoredVersion,
    metrics: result.metrics,
    pipelines: appIds.map((appId) => {
      const record = records[appId] as PipelineRestoreRecord;
      return { appId, record, nextRun: describeNextRun(appId, record) };
    }),
  };
}
