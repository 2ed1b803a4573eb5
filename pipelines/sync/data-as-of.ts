// "Data as of" of a Delta version (issue 14): the newest pipeline run at or before it says when its consistent
// read of the source began (commitInfo.pipelineRun.dataAsOf) and the newest change it holds (its watermark).
// Maintenance commits (optimize, vacuum) and repairs change no "as of" and are stepped over; a RESTORE to
// version N holds N's data, so the search continues from N.

import { isDeltaError, listLogFiles, readCommit, type CommitInfo, type ReadEffects } from '../delta/index';
import { RESTORE_INFO_KEY, RUN_INFO_KEY } from '../definition/commit-info-keys';

/** Commits looked at below the version before giving up (hourly runs leave at most a few maintenance commits). */
const LOOKBACK_COMMITS = 200;

export interface DataAsOf {
  /** When the run's consistent read of the source began (ISO), null when that run did not record it. */
  dataAsOf: string | null;
  /** The run's watermark: the newest change the table holds (source text), null without a watermark. */
  newestChange: string | null;
  /** Version whose commit carried the run. */
  runVersion: number;
}

interface RecordedRun {
  dataAsOf?: unknown;
  watermark?: { value?: unknown } | null;
}

/** The version a RESTORE brought back: our restore records it (also for a restore by timestamp), Spark's names it. */
function restoredVersion(info: CommitInfo | undefined): number | null {
  if (info?.operation !== 'RESTORE') return null;
  const records = info[RESTORE_INFO_KEY] as Record<string, { restoredVersion?: unknown }> | undefined;
  const recorded = records ? Object.values(records)[0]?.restoredVersion : undefined;
  const named = (info.operationParameters as Record<string, unknown> | undefined)?.version;
  const version = Number(recorded ?? named);
  return Number.isInteger(version) && version >= 0 ? version : null;
}

/** The "as of" of `version`, or null when no pipeline run is found (a table not written by a pipeline). */
export async function readDataAsOf(
  effects: ReadEffects,
  tableRoot: string,
  version: number,
): Promise<DataAsOf | null> {
  let files;
  try {
    files = await listLogFiles(effects.storage, tableRoot);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) return null;
    throw error;
  }
  const commits = new Map(
    files.flatMap((entry) => (entry.kind === 'commit' ? [[entry.version, entry.file] as const] : [])),
  );
  let current = version;
  for (let steps = 0; current >= 0 && steps < LOOKBACK_COMMITS; steps += 1) {
    const file = commits.get(current);
    // Older commits were cleaned up after a checkpoint: the run that far back is unknown.
    if (!file) return null;
    const actions = await readCommit(effects, file, current);
    const info = actions.find((action) => action.commitInfo)?.commitInfo;
    const run = info?.[RUN_INFO_KEY] as RecordedRun | undefined;
    if (run) {
      const watermark = run.watermark?.value;
      return {
        dataAsOf: typeof run.dataAsOf === 'string' ? run.dataAsOf : null,
        newestChange: watermark === null || watermark === undefined ? null : String(watermark),
        runVersion: current,
      };
    }
    const restored = restoredVersion(info);
    current = restored !== null && restored < current ? restored : current - 1;
  }
  return null;
}
