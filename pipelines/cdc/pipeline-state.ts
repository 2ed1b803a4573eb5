// A table's pipeline state derived from what each commit in its history did, newest first (issue 14 §1). Taking
// the newest commitInfo.pipelineRun alone is wrong once anything else changed the table: a RESTORE brings back an
// older version while the newest run's watermark stays ahead of it, so rows changed in between are never read
// again; a manual write or a schema change leaves data no run produced. Each commit is therefore classified:
//   - a run of this table (pipelineRun with our appId): its RunInfo is the state; stop.
//   - a repair of this table (pipelineRepair, contracts.md #1), or a commit that changes no data (optimize,
//     vacuum, protocol or property changes: every add/remove has dataChange=false, no new schema): skip.
//   - a RESTORE: the state of the restored version, plus a key comparison on the next run (rows deleted in the
//     source after that version came back). Our restore records that state in its commitInfo (pipelineRestore),
//     so it is visible in the history and survives log cleanup; a foreign RESTORE (Spark, delta-rs) is followed
//     to the version in its operationParameters.
//   - any other data change, or a schema change not made by a run: the watermark cannot be trusted: reload.
// The walk is pure over a StateHistory (the I/O lives in state-history.ts), so every rule is unit-tested.

import type { CommitInfo } from '../delta/actions';
import { REPAIR_INFO_KEY, RESTORE_INFO_KEY } from '../definition/commit-info-keys';
import { RUN_INFO_KEY } from './commit-info-storage';
import type { RunInfo } from './plan-run';

// commitInfo keys: our restore records, per pipeline appId, what the state becomes; a repair commit re-extracts
// rows and keeps the state. Defined in the vocabulary so the sync can read them too.
export { RESTORE_INFO_KEY, REPAIR_INFO_KEY };

/** What a restore records for one pipeline appId (commitInfo.pipelineRestore[appId]). */
export interface PipelineRestoreRecord {
  restoredVersion: number;
  /** The restored version's watermark, run sequence and run (null when it holds no run of this appId). */
  watermark: RunInfo['watermark'];
  runSequence: number | null;
  run: RunInfo | null;
  /** True when the next run must reload the table (reason says why); else it re-extracts and compares keys. */
  needsReload: boolean;
  reason: string;
}

/** Why the next run departs from the table's usual cadence. */
export interface TableRecovery {
  /** reload: full overwrite; compareKeys: incremental from the restored watermark, with a key comparison. */
  action: 'reload' | 'compareKeys';
  reason: string;
}

export interface DerivedState {
  lastRun: RunInfo | null;
  recovery: TableRecovery | null;
}

/** One commit as the derivation needs it. */
export interface CommitSummary {
  version: number;
  commitInfo?: CommitInfo;
  /** Whether any add or remove has dataChange=true (a missing flag counts as a change). */
  dataChange: boolean;
  /** The commit's metaData, reduced to what defines the data (schema and partitioning); null when none. */
  schemaKey: string | null;
}

/** Reads what the derivation needs; implemented over the lake in state-history.ts, in memory in tests. */
export interface StateHistory {
  /** Commits with version <= upTo, newest first (commits cleaned from the log are absent). */
  commitsUpTo(upTo: number): AsyncIterable<CommitSummary>;
  /** The schemaKey of the table as of `version` (null when it cannot be read). */
  schemaAt(version: number): Promise<string | null>;
  /** The version a restore to `timestamp`, committed as `restoreVersion`, went back to (null when unknown). */
  versionAt(timestamp: string, restoreVersion: number): Promise<number | null>;
}

export type CommitStep =
  | { kind: 'run'; run: RunInfo }
  | { kind: 'skip' }
  | {
      kind: 'restore';
      record: PipelineRestoreRecord | null;
      version: number | null;
      timestamp: string | null;
    }
  | { kind: 'schema' }
  | { kind: 'write'; reason: string }
  /** A repair commit: the state is unchanged; a reconcile repair also settles the data writes before it. */
  | { kind: 'repair'; settlesWrites: boolean };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The schema key of a metaData action: a change of it is a schema change for the pipeline. */
export function toSchemaKey(metadata: { schemaString: string; partitionColumns: string[] }): string {
  return JSON.stringify([metadata.schemaString, metadata.partitionColumns]);
}

function describeCommit(commit: CommitSummary): string {
  const info = commit.commitInfo;
  const engine = typeof info?.engineInfo === 'string' ? ` by ${info.engineInfo}` : '';
  return `commit ${commit.version} (${info?.operation ?? 'unknown operation'}${engine})`;
}

function readRestoreRecord(info: CommitInfo | undefined, appId: string): PipelineRestoreRecord | null {
  const records = info?.[RESTORE_INFO_KEY];
  const record = isObject(records) ? records[appId] : undefined;
  if (!isObject(record) || typeof record.restoredVersion !== 'number') return null;
  if (typeof record.needsReload !== 'boolean' || typeof record.reason !== 'string') return null;
  return record as unknown as PipelineRestoreRecord;
}

/** Spark writes operationParameters as strings ("1"), delta-rs and others as numbers; null means not given. */
function readRestoreTarget(info: CommitInfo | undefined): {
  version: number | null;
  timestamp: string | null;
} {
  const params = info?.operationParameters ?? {};
  const rawVersion = params.version;
  const version =
    typeof rawVersion === 'number'
      ? rawVersion
      : typeof rawVersion === 'string' && /^\d+$/.test(rawVersion)
        ? Number(rawVersion)
        : null;
  const rawTimestamp = params.timestamp;
  const timestamp =
    typeof rawTimestamp === 'string' && rawTimestamp !== '' && rawTimestamp !== 'null' ? rawTimestamp : null;
  return { version, timestamp };
}

/** What one commit means for the pipeline state of appId. */
export function classifyCommit(commit: CommitSummary, appId: string): CommitStep {
  const info = commit.commitInfo;
  const run = info?.[RUN_INFO_KEY];
  if (isObject(run) && `${String(run.pipeline)}/${String(run.table)}` === appId)
    return { kind: 'run', run: run as unknown as RunInfo };
  const repair = info?.[REPAIR_INFO_KEY];
  if (isObject(repair) && `${String(repair.pipeline)}/${String(repair.table)}` === appId)
    return { kind: 'repair', settlesWrites: repair.reason === 'reconcile' };
  if (info?.operation === 'RESTORE') {
    return { kind: 'restore', record: readRestoreRecord(info, appId), ...readRestoreTarget(info) };
  }
  if (commit.dataChange)
    return { kind: 'write', reason: `${describeCommit(commit)} changed data outside a run` };
  if (commit.schemaKey !== null) return { kind: 'schema' };
  return { kind: 'skip' };
}

const reload = (reason: string): DerivedState => ({ lastRun: null, recovery: { action: 'reload', reason } });

/** The state after restore commit `commit` to the version it names. */
async function followRestore(
  history: StateHistory,
  appId: string,
  commit: CommitSummary,
  step: Extract<CommitStep, { kind: 'restore' }>,
  depth: number,
): Promise<DerivedState> {
  if (step.record) {
    const restored = `restored to version ${step.record.restoredVersion} by commit ${commit.version}`;
    if (step.record.needsReload || !step.record.run) return reload(`${restored}; ${step.record.reason}`);
    return { lastRun: step.record.run, recovery: { action: 'compareKeys', reason: restored } };
  }
  const version =
    step.version ??
    (step.timestamp === null ? null : await history.versionAt(step.timestamp, commit.version));
  if (version === null || version >= commit.version) {
    return reload(`${describeCommit(commit)} names no version this reader can follow`);
  }
  const restored = `restored to version ${version} by commit ${commit.version}`;
  const inner = await deriveStateAt(history, appId, version, depth + 1);
  if (inner.recovery?.action === 'reload') return reload(`${restored}; ${inner.recovery.reason}`);
  if (!inner.lastRun) return reload(`${restored}, which holds no run of ${appId}`);
  return { lastRun: inner.lastRun, recovery: { action: 'compareKeys', reason: restored } };
}

/** The pipeline state of appId as of version `upTo` (the table's latest version for the next run). */
export async function deriveStateAt(
  history: StateHistory,
  appId: string,
  upTo: number,
  depth = 0,
): Promise<DerivedState> {
  // A restore only ever points back, so the walk ends; the bound guards against a hand-edited log that loops.
  if (depth > 100) return reload('more than 100 nested restores');
  // A reconcile repair compared every row with the source and fixed the differences: a write outside a run before
  // it no longer calls for a reload (a schema change still does: reconcile compares the shared columns only).
  let settled = false;
  for await (const commit of history.commitsUpTo(upTo)) {
    const step = classifyCommit(commit, appId);
    if (step.kind === 'run') return { lastRun: step.run, recovery: null };
    if (step.kind === 'restore') return followRestore(history, appId, commit, step, depth);
    if (step.kind === 'repair') settled ||= step.settlesWrites;
    if (step.kind === 'write' && !settled) return reload(step.reason);
    if (step.kind === 'schema') {
      // A metaData action that leaves schema and partitioning as they were (a property change) changes no data.
      const before = commit.version === 0 ? null : await history.schemaAt(commit.version - 1);
      if (before !== commit.schemaKey)
        return reload(`${describeCommit(commit)} changed the schema outside a run`);
    }
  }
  return { lastRun: null, recovery: null };
}

/** The record our restore writes for appId, from the state of the restored version. */
export function buildRestoreRecord(restoredVersion: number, state: DerivedState): PipelineRestoreRecord {
  const run = state.recovery?.action === 'reload' ? null : state.lastRun;
  const reason =
    state.recovery?.action === 'reload'
      ? `version ${restoredVersion}: ${state.recovery.reason}`
      : !run
        ? `version ${restoredVersion} holds no pipeline run`
        : run.watermark?.value == null
          ? `the run of version ${restoredVersion} recorded no watermark`
          : `re-extract from the watermark of version ${restoredVersion} and compare keys`;
  return {
    restoredVersion,
    watermark: run?.watermark ?? null,
    runSequence: run?.runSequence ?? null,
    run,
    needsReload: run?.watermark?.value == null,
    reason,
  };
}

/** One line saying what the next run of appId does after a restore (for the CLI and the admin route). */
export function describeNextRun(appId: string, record: PipelineRestoreRecord): string {
  if (record.needsReload) return `next run of ${appId} reloads the table (${record.reason})`;
  const mark = record.watermark;
  return (
    `next run of ${appId} re-extracts rows with ${mark?.column ?? 'the watermark'} >= ${mark?.value ?? '?'} ` +
    `(the watermark of version ${record.restoredVersion}, minus the table's overlap) and compares keys to ` +
    `remove rows deleted in the source since`
  );
}
