// Post-commit maintenance: a checkpoint every `delta.checkpointInterval` versions, then expired log cleanup
// (`delta.enableExpiredLogCleanup`). Runs after the commit succeeded, so a failure here is returned, not thrown.

import { getNow, type WriteEffects } from './effects';
import { cleanupExpiredLogs } from './log-cleanup';
import { getCheckpointInterval, isExpiredLogCleanupEnabled } from './table-properties';
import { writeCheckpoint } from './write-checkpoint';

export async function runPostCommitMaintenance(
  effects: WriteEffects,
  tableRoot: string,
  version: number,
  configuration: Record<string, string>,
): Promise<{ checkpointVersion?: number; maintenanceError?: Error }> {
  if (version === 0 || version % getCheckpointInterval(configuration) !== 0) return {};
  try {
    await writeCheckpoint(effects, tableRoot, { version });
    if (isExpiredLogCleanupEnabled(configuration)) {
      await cleanupExpiredLogs({ ...effects, clock: () => getNow(effects) }, tableRoot, configuration);
    }
    return { checkpointVersion: version };
  } catch (error) {
    return { maintenanceError: error instanceof Error ? error : new Error(String(error)) };
  }
}
