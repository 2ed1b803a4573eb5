// Gathers the evaluator's signals: the latest finished run per (job type, pipeline) from the control store, with
// its check results (contracts.md #4: `results.quality`, read defensively since older runs have none), and the
// tables' sync states from the sync status report (an unreadable report gives null: no sync verdict).

import type { ControlStore } from '../store/control-store';
import type { RunRecord } from '../store/types';
import type { AlertSignals, CheckOutcome, RunSignal, SyncTableSignal } from './signals';

/** The part of GET /api/sync/status the alerts read (server/api/sync-status.ts getSyncStatusReport). */
export interface SyncReportLike {
  tables: {
    table: string;
    state: string;
    lastError: string | null;
    lagVersions: number | null;
    lagMinutes: number | null;
    ageSeconds?: number | null;
    freshnessLimitSeconds?: number | null;
  }[];
}

const RECENT_RUNS = 500;

function readQuality(run: RunRecord): CheckOutcome[] | null {
  const quality = (run as { results?: { quality?: unknown } }).results?.quality;
  if (!Array.isArray(quality)) return null;
  return quality
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .filter(
      (c) => typeof c.table === 'string' && typeof c.check === 'string' && typeof c.passed === 'boolean',
    )
    .map((c) => ({
      table: c.table as string,
      check: c.check as string,
      severity: c.severity === 'warn' ? 'warn' : 'error',
      passed: c.passed as boolean,
      message: typeof c.message === 'string' ? c.message : '',
    }));
}

export function latestFinishedRuns(runs: RunRecord[]): RunSignal[] {
  const seen = new Set<string>();
  const latest: RunSignal[] = [];
  for (const run of runs) {
    if (run.status === 'running') continue;
    const key = `${run.jobType}:${run.pipeline}`;
    if (seen.has(key)) continue;
    seen.add(key);
    latest.push({
      id: run.id,
      pipeline: run.pipeline,
      jobType: run.jobType,
      status: run.status,
      finishedAt: run.finishedAt,
      attempt: run.attempt,
      error: run.error?.message ?? null,
      quality: readQuality(run),
    });
  }
  return latest;
}

export function syncSignals(report: SyncReportLike): SyncTableSignal[] {
  return report.tables.map((t) => ({
    table: t.table,
    state: t.state,
    lastError: t.lastError,
    lagVersions: t.lagVersions,
    lagMinutes: t.lagMinutes,
    ageSeconds: t.ageSeconds ?? null,
    freshnessLimitSeconds: t.freshnessLimitSeconds ?? null,
  }));
}

export async function collectSignals(
  store: ControlStore,
  readSyncStatus: (() => Promise<SyncReportLike>) | null,
  log: (line: string) => void,
): Promise<AlertSignals> {
  const runs = latestFinishedRuns(await store.listRuns({ limit: RECENT_RUNS }));
  let sync: SyncTableSignal[] | null = null;
  if (readSyncStatus) {
    try {
      sync = syncSignals(await readSyncStatus());
    } catch (error) {
      log(`[alerts] sync status unreadable, sync incidents left as they are: ${(error as Error).message}`);
    }
  }
  return { runs, sync };
}
