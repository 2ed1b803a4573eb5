// Run planning (pure): first run creates, --full and mode full reload, incremental reads from the last watermark
// minus the overlap, key comparison every N runs, and the run sequence follows the table's txn version.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planTableRun, subtractOverlap, type RunInfo, type TableState } from '../../pipelines/cdc/plan-run';
import type { TableDefinition } from '../../pipelines/definition/load-definition';

const TABLE: TableDefinition = {
  name: 'service_requests',
  primaryKey: ['request_id'],
  mode: 'incremental',
  watermark: 'updated_at',
  overlapMs: 600_000,
  deleteDetection: { keyComparison: { everyRuns: 24 } },
  target: 'tables/service_requests',
  partitionBy: [],
  freshnessMs: 7_200_000,
};

function lastRun(overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    pipeline: 'county-ops',
    table: 'service_requests',
    runId: 'r5',
    runSequence: 5,
    mode: 'incremental',
    watermark: { column: 'updated_at', value: '2026-11-24T09:00:00.000000Z' },
    position: { kind: 'lsn', value: '1/4557DE70' },
    rows: 12,
    keysCompared: false,
    lastKeyComparison: 1,
    dataAsOf: '2026-11-24T09:05:00.000Z',
    ...overrides,
  };
}

const state = (run: RunInfo | null, sequence = run?.runSequence ?? 0): TableState => ({
  exists: true,
  version: 4,
  lastRunSequence: sequence,
  lastRun: run,
});

test('first run: create with a full load, run sequence 1', () => {
  const plan = planTableRun('county-ops', TABLE, {
    exists: false,
    version: null,
    lastRunSequence: 0,
    lastRun: null,
  });
  assert.deepEqual(plan, {
    table: 'service_requests',
    target: 'tables/service_requests',
    appId: 'county-ops/service_requests',
    runSequence: 1,
    action: 'create',
    watermarkFrom: null,
    compareKeys: false,
    reason: 'first run: no Delta table yet',
  });
});

test('incremental: from the last watermark minus the overlap window', () => {
  const plan = planTableRun('county-ops', TABLE, state(lastRun()));
  assert.equal(plan.action, 'incremental');
  assert.equal(plan.runSequence, 6);
  assert.equal(plan.watermarkFrom, '2026-11-24T08:50:00.000Z');
  assert.equal(plan.compareKeys, false);
  assert.match(plan.reason, /updated_at >= 2026-11-24T08:50:00.000Z/);
});

test('key comparison every N runs since the last full load or comparison', () => {
  assert.equal(planTableRun('p', TABLE, state(lastRun({ runSequence: 23 }))).compareKeys, false);
  const due = planTableRun('p', TABLE, state(lastRun({ runSequence: 24 })));
  assert.equal(due.runSequence, 25);
  assert.equal(due.compareKeys, true);
  assert.match(due.reason, /keys compared to find deletes \(every 24 runs\)/);
  assert.equal(
    planTableRun('p', TABLE, state(lastRun({ runSequence: 30, lastKeyComparison: 25 }))).compareKeys,
    false,
  );
  assert.equal(
    planTableRun('p', { ...TABLE, deleteDetection: 'none' }, state(lastRun({ runSequence: 99 }))).compareKeys,
    false,
  );
});

test('full reloads: --full, mode full, or no watermark recorded yet', () => {
  assert.equal(planTableRun('p', TABLE, state(lastRun()), { forceFull: true }).action, 'full');
  assert.equal(planTableRun('p', { ...TABLE, mode: 'full' }, state(lastRun())).action, 'full');
  const noMark = planTableRun(
    'p',
    TABLE,
    state(lastRun({ watermark: { column: 'updated_at', value: null } })),
  );
  assert.equal(noMark.action, 'full');
  const renamed = planTableRun('p', { ...TABLE, watermark: 'modified_at' }, state(lastRun()));
  assert.equal(renamed.action, 'full');
  assert.match(renamed.reason, /watermark column changed to modified_at/);
});

test('the run sequence follows the txn version, not the commitInfo', () => {
  assert.equal(planTableRun('p', TABLE, state(lastRun(), 9)).runSequence, 10);
});

test('overlap applies to timestamps; numbers and other values pass through', () => {
  assert.equal(subtractOverlap('2026-11-24 09:00:00+00', 3_600_000), '2026-11-24T08:00:00.000Z');
  assert.equal(subtractOverlap('12345', 600_000), '12345');
});
