// What the next run of a table does, decided from its definition and the state the Delta table records about
// earlier runs (run sequence in the txn action, watermark and last key comparison in commitInfo). Pure.

import type { TableDefinition } from '../definition/load-definition';
import type { SourcePosition } from '../sources/source';
import type { TableRecovery } from './pipeline-state';

/** What a run records in its commit (commitInfo.pipelineRun); the next run's plan starts from it. */
export interface RunInfo {
  pipeline: string;
  table: string;
  runId: string;
  runSequence: number;
  mode: 'full' | 'incremental';
  /** High-water mark after this run (carried forward when the run saw no rows). */
  watermark: { column: string; value: string | null } | null;
  position: SourcePosition;
  rows: number;
  keysCompared: boolean;
  /** Run sequence of the last full load or key comparison (deletes are known up to it). */
  lastKeyComparison: number;
  /**
   * Data as of (ISO): when this run's consistent read of the source began. Every change committed before it is
   * in the table, so a quiet table is fresh although its watermark (the newest change) stands still. Null when
   * unknown (a manifest written before issue 14).
   */
  dataAsOf: string | null;
}

export interface TableState {
  /** Whether a Delta table exists at the target. */
  exists: boolean;
  version: number | null;
  /** Version of the txn with appId <pipeline>/<table>; 0 when none. */
  lastRunSequence: number;
  /** The RunInfo the table's current data comes from (the restored version's after a restore), if any. */
  lastRun: RunInfo | null;
  /**
   * Set when commits outside this table's runs (restore, manual write, schema change) mean the next run must
   * reload or re-extract from the restored watermark with a key comparison (pipeline-state.ts). Optional so that
   * states built by hand (tests, other callers) need not name it.
   */
  recovery?: TableRecovery | null;
}

export interface TablePlan {
  table: string;
  target: string;
  /** Delta txn appId: retrying a run with the same sequence applies nothing twice. */
  appId: string;
  runSequence: number;
  /** create: first load into a new table; full: reload (overwrite); incremental: merge changed rows. */
  action: 'create' | 'full' | 'incremental';
  /** Lower bound of the incremental read: last watermark minus the overlap window. */
  watermarkFrom: string | null;
  compareKeys: boolean;
  reason: string;
}

export function getAppId(pipeline: string, table: string): string {
  return `${pipeline}/${table}`;
}

/** ISO-8601 timestamp text minus ms, as ISO; other values (numbers, dates) are returned as they are. */
export function subtractOverlap(watermark: string, overlapMs: number): string {
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(watermark)) return watermark;
  const ms = Date.parse(watermark.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  if (Number.isNaN(ms)) return watermark;
  return new Date(ms - overlapMs).toISOString();
}

/** An overlap for people: whole minutes as before ("10 min"), shorter windows in seconds ("1 s"). */
function formatOverlap(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1_000} s`;
}

export function planTableRun(
  pipeline: string,
  table: TableDefinition,
  state: TableState,
  options: { forceFull?: boolean } = {},
): TablePlan {
  const runSequence = state.lastRunSequence + 1;
  const base = {
    table: table.name,
    target: table.target,
    appId: getAppId(pipeline, table.name),
    runSequence,
  };
  if (!state.exists) {
    return {
      ...base,
      action: 'create',
      watermarkFrom: null,
      compareKeys: false,
      reason: 'first run: no Delta table yet',
    };
  }
  if (options.forceFull) {
    return {
      ...base,
      action: 'full',
      watermarkFrom: null,
      compareKeys: false,
      reason: 'full reload requested (--full)',
    };
  }
  if (table.mode === 'full') {
    return { ...base, action: 'full', watermarkFrom: null, compareKeys: false, reason: 'table mode is full' };
  }
  const recovery = state.recovery ?? null;
  if (recovery?.action === 'reload') {
    return {
      ...base,
      action: 'full',
      watermarkFrom: null,
      compareKeys: false,
      reason: `${recovery.reason}: reload`,
    };
  }
  const last = state.lastRun?.watermark?.value ?? null;
  if (last === null || state.lastRun?.watermark?.column !== table.watermark) {
    const why = state.lastRun?.watermark
      ? `watermark column changed to ${table.watermark ?? '(none)'}: reload`
      : 'no watermark recorded yet: reload';
    return {
      ...base,
      action: 'full',
      watermarkFrom: null,
      compareKeys: false,
      reason: recovery ? `${recovery.reason}; ${why}` : why,
    };
  }
  if (recovery) {
    // Rows deleted in the source after the restored version came back with it: only a key comparison finds them,
    // so it runs whatever the table's deleteDetection says.
    const from = subtractOverlap(last, table.overlapMs);
    return {
      ...base,
      action: 'incremental',
      watermarkFrom: from,
      compareKeys: true,
      reason: `${recovery.reason}: re-extract rows with ${table.watermark} >= ${from} (its watermark ${last} minus ${formatOverlap(table.overlapMs)} overlap) and compare keys`,
    };
  }
  const detection = table.deleteDetection;
  const sinceComparison = runSequence - (state.lastRun?.lastKeyComparison ?? 0);
  const everyRuns = detection === 'none' ? null : detection.keyComparison.everyRuns;
  const compareKeys = everyRuns !== null && sinceComparison >= everyRuns;
  const from = subtractOverlap(last, table.overlapMs);
  return {
    ...base,
    action: 'incremental',
    watermarkFrom: from,
    compareKeys,
    reason:
      `rows with ${table.watermark} >= ${from} (last ${last} minus ${formatOverlap(table.overlapMs)} overlap)` +
      (compareKeys ? `; keys compared to find deletes (every ${everyRuns} runs)` : ''),
  };
}
