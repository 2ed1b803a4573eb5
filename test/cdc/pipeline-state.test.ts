// State derivation (pure, over an in-memory history): a run gives its watermark; repairs, optimize and property
// changes keep it; a restore (ours with its record, or a foreign one by version or timestamp) gives the restored
// version's state plus a key comparison; a manual write or a schema change not made by a run means reload. And
// planTableRun turns each into the next run's action and reason.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildRestoreRecord,
  classifyCommit,
  deriveStateAt,
  describeNextRun,
  type CommitSummary,
  type StateHistory,
} from '../../pipelines/cdc/pipeline-state';
import { planTableRun, type RunInfo } from '../../pipelines/cdc/plan-run';
import { summarizeCommit } from '../../pipelines/cdc/state-history';
import type { TableDefinition } from '../../pipelines/definition/load-definition';

const APP = 'p/items';
const SCHEMA = JSON.stringify(['{"type":"struct","fields":[]}', []]);
const SCHEMA2 = JSON.stringify(['{"type":"struct","fields":[{"name":"x"}]}', []]);

function run(sequence: number, mark: string): RunInfo {
  return {
    pipeline: 'p',
    table: 'items',
    runId: `r${sequence}`,
    dataAsOf: null,
    runSequence: sequence,
    mode: sequence === 1 ? 'full' : 'incremental',
    watermark: { column: 'updated_at', value: mark },
    position: { kind: 'lsn', value: '0/1' },
    rows: 10,
    keysCompared: false,
    lastKeyComparison: 1,
  };
}

const runCommit = (version: number, sequence: number, mark: string): CommitSummary => ({
  version,
  dataChange: true,
  schemaKey: version === 0 ? SCHEMA : null,
  commitInfo: { operation: version === 0 ? 'CREATE TABLE' : 'MERGE', pipelineRun: run(sequence, mark) },
});
const optimizeCommit = (version: number): CommitSummary => ({
  version,
  dataChange: false,
  schemaKey: null,
  commitInfo: { operation: 'OPTIMIZE' },
});
const writeCommit = (version: number): CommitSummary => ({
  version,
  dataChange: true,
  schemaKey: null,
  commitInfo: { operation: 'WRITE', engineInfo: 'lakehouse-pipelines/1' },
});
const restoreCommit = (version: number, params: Record<string, unknown>): CommitSummary => ({
  version,
  dataChange: true,
  schemaKey: null,
  commitInfo: {
    operation: 'RESTORE',
    operationParameters: params,
    engineInfo: 'Apache-Spark/3.5.0 Delta-Lake/3.1.0',
  },
});

/** In memory: commits in any order; schemaAt replays metaData keys; versionAt maps given timestamps. */
function history(commits: CommitSummary[], times: Record<string, number> = {}): StateHistory {
  const sorted = [...commits].sort((a, b) => b.version - a.version);
  return {
    async *commitsUpTo(upTo) {
      for (const commit of sorted) if (commit.version <= upTo) yield commit;
    },
    async schemaAt(version) {
      return sorted.find((c) => c.version <= version && c.schemaKey !== null)?.schemaKey ?? null;
    },
    async versionAt(timestamp) {
      return times[timestamp] ?? null;
    },
  };
}

const BASE = [runCommit(0, 1, '2026-01-01T00:00:00Z'), runCommit(1, 2, '2026-01-02T00:00:00Z')];

test('the newest run gives the state; optimize, vacuum and a repair of this table keep it', async () => {
  const repair: CommitSummary = {
    version: 3,
    dataChange: true,
    schemaKey: null,
    commitInfo: {
      operation: 'MERGE',
      pipelineRepair: { pipeline: 'p', table: 'items', runId: 'x', reason: 'reconcile', rows: 3 },
    },
  };
  const vacuum: CommitSummary = {
    version: 4,
    dataChange: false,
    schemaKey: null,
    commitInfo: { operation: 'VACUUM END' },
  };
  const state = await deriveStateAt(history([...BASE, optimizeCommit(2), repair, vacuum]), APP, 4);
  assert.equal(state.recovery, null);
  assert.equal(state.lastRun?.runSequence, 2);
  assert.equal(state.lastRun?.watermark?.value, '2026-01-02T00:00:00Z');
});

test('a reconcile repair settles a write outside a run before it; a range repair does not', async () => {
  const repairCommit = (version: number, reason: 'reconcile' | 'range'): CommitSummary => ({
    version,
    dataChange: true,
    schemaKey: null,
    commitInfo: {
      operation: 'MERGE',
      pipelineRepair: { pipeline: 'p', table: 'items', runId: 'x', reason, rows: 1 },
    },
  });
  const settled = await deriveStateAt(
    history([...BASE, writeCommit(2), repairCommit(3, 'reconcile')]),
    APP,
    3,
  );
  assert.equal(settled.recovery, null);
  assert.equal(settled.lastRun?.runSequence, 2);
  const unsettled = await deriveStateAt(history([...BASE, writeCommit(2), repairCommit(3, 'range')]), APP, 3);
  assert.equal(unsettled.recovery?.action, 'reload');
  // A write after the reconcile is not covered by it.
  const after = await deriveStateAt(history([...BASE, repairCommit(2, 'reconcile'), writeCommit(3)]), APP, 3);
  assert.equal(after.recovery?.action, 'reload');
});

test('a foreign RESTORE (Spark: version as text) gives the restored version state and a key comparison', async () => {
  const commits = [
    ...BASE,
    runCommit(2, 3, '2026-01-03T00:00:00Z'),
    restoreCommit(3, { version: '1', timestamp: null }),
  ];
  const state = await deriveStateAt(history(commits), APP, 3);
  assert.equal(state.lastRun?.runSequence, 2);
  assert.equal(state.lastRun?.watermark?.value, '2026-01-02T00:00:00Z');
  assert.deepEqual(state.recovery, { action: 'compareKeys', reason: 'restored to version 1 by commit 3' });
  // By timestamp: resolved to the version committed at or before it.
  const byTime = [
    ...BASE,
    runCommit(2, 3, '2026-01-03T00:00:00Z'),
    restoreCommit(3, { timestamp: '2026-01-01 12:00' }),
  ];
  const timed = await deriveStateAt(history(byTime, { '2026-01-01 12:00': 0 }), APP, 3);
  assert.equal(timed.lastRun?.runSequence, 1);
  assert.equal(timed.recovery?.reason, 'restored to version 0 by commit 3');
  // A restore whose target cannot be resolved: reload, saying why.
  const lost = await deriveStateAt(history([...BASE, restoreCommit(2, { timestamp: 'whenever' })]), APP, 2);
  assert.equal(lost.recovery?.action, 'reload');
  assert.match(lost.recovery?.reason ?? '', /commit 2 \(RESTORE by Apache-Spark.*names no version/);
});

test('runs after a restore are the state again; a restore of a restore follows both', async () => {
  const commits = [...BASE, restoreCommit(2, { version: 0 }), runCommit(3, 3, '2026-01-05T00:00:00Z')];
  const after = await deriveStateAt(history(commits), APP, 3);
  assert.equal(after.recovery, null);
  assert.equal(after.lastRun?.runSequence, 3);
  // v3 restores v2 (itself a restore of v0): the state is v0's, with a key comparison.
  const nested = await deriveStateAt(
    history([...BASE, restoreCommit(2, { version: 0 }), restoreCommit(3, { version: 2 })]),
    APP,
    3,
  );
  assert.equal(nested.lastRun?.runSequence, 1);
  assert.equal(nested.recovery?.action, 'compareKeys');
  assert.equal(nested.recovery?.reason, 'restored to version 2 by commit 3');
});

test('a manual write, or a restore to a version after one, means reload', async () => {
  const manual = await deriveStateAt(history([...BASE, optimizeCommit(2), writeCommit(3)]), APP, 3);
  assert.deepEqual(manual, {
    lastRun: null,
    recovery: {
      action: 'reload',
      reason: 'commit 3 (WRITE by lakehouse-pipelines/1) changed data outside a run',
    },
  });
  // Restoring to before the manual write drops it: the restored run's state comes back.
  const undone = await deriveStateAt(
    history([...BASE, writeCommit(2), restoreCommit(3, { version: 1 })]),
    APP,
    3,
  );
  assert.equal(undone.recovery?.action, 'compareKeys');
  assert.equal(undone.lastRun?.runSequence, 2);
  // Restoring to the manual write's version keeps it: reload.
  const kept = await deriveStateAt(
    history([...BASE, writeCommit(2), restoreCommit(3, { version: 2 })]),
    APP,
    3,
  );
  assert.equal(kept.recovery?.action, 'reload');
  assert.match(kept.recovery?.reason ?? '', /^restored to version 2 by commit 3; commit 2 \(WRITE/);
  // A run of another pipeline into the same table is someone else's write.
  const other = { ...runCommit(2, 1, '2026-01-09T00:00:00Z') };
  other.commitInfo = { operation: 'MERGE', pipelineRun: { ...run(1, 'x'), pipeline: 'q' } };
  assert.equal((await deriveStateAt(history([...BASE, other]), APP, 2)).recovery?.action, 'reload');
});

test('a schema change outside a run means reload; a metaData that keeps the schema (a property) does not', async () => {
  const schema: CommitSummary = {
    version: 2,
    dataChange: false,
    schemaKey: SCHEMA2,
    commitInfo: { operation: 'ADD COLUMNS' },
  };
  const changed = await deriveStateAt(history([...BASE, schema]), APP, 2);
  assert.equal(changed.recovery?.action, 'reload');
  assert.match(changed.recovery?.reason ?? '', /commit 2 \(ADD COLUMNS\) changed the schema outside a run/);
  const property: CommitSummary = {
    version: 2,
    dataChange: false,
    schemaKey: SCHEMA,
    commitInfo: { operation: 'SET TBLPROPERTIES' },
  };
  const same = await deriveStateAt(history([...BASE, property]), APP, 2);
  assert.equal(same.recovery, null);
  assert.equal(same.lastRun?.runSequence, 2);
});

test('our restore record is used as written (no walk past it), for compare keys and for reload', async () => {
  const record = buildRestoreRecord(1, { lastRun: run(2, '2026-01-02T00:00:00Z'), recovery: null });
  assert.deepEqual(
    { ...record, run: record.run?.runId },
    {
      restoredVersion: 1,
      watermark: { column: 'updated_at', value: '2026-01-02T00:00:00Z' },
      runSequence: 2,
      run: 'r2',
      needsReload: false,
      reason: 're-extract from the watermark of version 1 and compare keys',
    },
  );
  // The commits below the restore are gone (log cleanup): the record alone carries the state.
  const ours = restoreCommit(7, { version: 1 });
  ours.commitInfo = { ...ours.commitInfo, pipelineRestore: { [APP]: record } };
  const state = await deriveStateAt(history([ours]), APP, 7);
  assert.equal(state.lastRun?.runSequence, 2);
  assert.deepEqual(state.recovery, { action: 'compareKeys', reason: 'restored to version 1 by commit 7' });
  assert.match(
    describeNextRun(APP, record),
    /re-extracts rows with updated_at >= 2026-01-02T00:00:00Z .*compares keys/,
  );

  const reloadRecord = buildRestoreRecord(2, {
    lastRun: null,
    recovery: { action: 'reload', reason: 'commit 2 (WRITE) changed data outside a run' },
  });
  assert.equal(reloadRecord.needsReload, true);
  ours.commitInfo = { ...ours.commitInfo, pipelineRestore: { [APP]: reloadRecord } };
  const reloaded = await deriveStateAt(history([ours]), APP, 7);
  assert.equal(reloaded.recovery?.action, 'reload');
  assert.match(
    reloaded.recovery?.reason ?? '',
    /^restored to version 2 by commit 7; version 2: commit 2 \(WRITE\)/,
  );
  assert.match(describeNextRun(APP, reloadRecord), /reloads the table/);
  // A record for another appId does not apply: the restore is followed like a foreign one.
  ours.commitInfo = { ...ours.commitInfo, pipelineRestore: { 'q/items': record } };
  assert.match(
    (await deriveStateAt(history([...BASE, ours]), APP, 7)).recovery?.reason ?? '',
    /restored to version 1 by commit 7/,
  );
});

test('commit summaries: dataChange from add/remove flags, schema from metaData, commitInfo kept', () => {
  const optimize = summarizeCommit(4, [
    { commitInfo: { operation: 'OPTIMIZE' } },
    { add: { path: 'a', partitionValues: {}, size: 1, modificationTime: 0, dataChange: false } },
    { remove: { path: 'b', dataChange: false } },
  ]);
  assert.deepEqual(optimize, {
    version: 4,
    dataChange: false,
    schemaKey: null,
    commitInfo: { operation: 'OPTIMIZE' },
  });
  assert.deepEqual(classifyCommit(optimize, APP), { kind: 'skip' });
  const write = summarizeCommit(5, [{ remove: { path: 'b', dataChange: true } }]);
  assert.equal(write.dataChange, true);
  assert.equal(classifyCommit(write, APP).kind, 'write');
});

const TABLE: TableDefinition = {
  name: 'items',
  primaryKey: ['id'],
  mode: 'incremental',
  watermark: 'updated_at',
  overlapMs: 1_000,
  deleteDetection: 'none',
  target: 'tables/items',
  partitionBy: [],
  freshnessMs: 7_200_000,
};

test('the plan: compare keys from the restored watermark (even with deleteDetection none), or reload', () => {
  const base = { exists: true, version: 5, lastRunSequence: 3, lastRun: run(2, '2026-01-02T00:00:00.000Z') };
  const restored = planTableRun('p', TABLE, {
    ...base,
    recovery: { action: 'compareKeys', reason: 'restored to version 1 by commit 5' },
  });
  assert.equal(restored.runSequence, 4, 'the run sequence stays monotonic (txns survive a restore)');
  assert.equal(restored.action, 'incremental');
  assert.equal(restored.compareKeys, true);
  assert.equal(restored.watermarkFrom, '2026-01-01T23:59:59.000Z');
  assert.equal(
    restored.reason,
    'restored to version 1 by commit 5: re-extract rows with updated_at >= 2026-01-01T23:59:59.000Z ' +
      '(its watermark 2026-01-02T00:00:00.000Z minus 1 s overlap) and compare keys',
  );
  const reload = planTableRun('p', TABLE, {
    ...base,
    lastRun: null,
    recovery: { action: 'reload', reason: 'commit 4 (WRITE) changed data outside a run' },
  });
  assert.deepEqual(
    [reload.action, reload.reason],
    ['full', 'commit 4 (WRITE) changed data outside a run: reload'],
  );
  // Without recovery nothing changes: incremental, no key comparison (deleteDetection none).
  const normal = planTableRun('p', TABLE, { ...base, recovery: null });
  assert.deepEqual([normal.action, normal.compareKeys], ['incremental', false]);
});
