// A reconcile run's findings on its run page in Chromium: the control database is filled through the real store
// with a run whose results carry reconcile's per-table comparison (the shape pipelines/reconcile produces; the
// comparison itself is tested on real sources in test/reconcile). The page lists each table's figures, the repair,
// the differing keys by kind, and the columns left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReconcileTableResult } from '../../pipelines/reconcile/reconcile-result';
import { startAdminSession } from './admin-session';

const findings: ReconcileTableResult[] = [
  {
    table: 'parcels',
    target: 'tables/county/parcels',
    deltaVersion: 7,
    sourceRows: 3000,
    deltaRows: 3001,
    chunks: 3,
    differingChunks: 2,
    missingInDelta: 0,
    missingInSource: 1,
    different: 1,
    differingKeys: 2,
    keys: [
      { key: '20', issue: 'missing_in_source' },
      { key: '10', issue: 'different' },
    ],
    columnsCompared: ['parcel_id', 'apn'],
    columnsSkipped: [{ column: 'acres', reason: 'floating point' }],
    repair: { version: 8, rowsReextracted: 1, rowsDeleted: 1 },
  },
  {
    table: 'permits',
    target: 'tables/county/permits',
    deltaVersion: 4,
    sourceRows: 500,
    deltaRows: 500,
    chunks: 1,
    differingChunks: 0,
    missingInDelta: 0,
    missingInSource: 0,
    different: 0,
    differingKeys: 0,
    keys: [],
    columnsCompared: ['permit_id'],
    columnsSkipped: [],
    repair: { version: null, rowsReextracted: 0, rowsDeleted: 0 },
  },
];

test(
  'Pipelines page: a reconcile run shows what differed and what the repair wrote',
  { timeout: 180_000 },
  async (t) => {
    const session = await startAdminSession('e2e_reconcile');
    t.after(() => session.close());
    const { store } = session.fixture;
    const run = await store.createRun({
      pipeline: 'county',
      jobType: 'pipeline.reconcile',
      trigger: 'manual',
      startedAt: new Date(Date.now() - 60_000),
    });
    await store.finishRun(run.id, { status: 'succeeded', now: new Date(), results: { reconcile: findings } });
    const { page } = await session.as('admin');
    await page.goto(`${session.server.url}/pipelines?run=${run.id}`);
    const table = page.getByTestId('run-detail').getByTestId('run-reconcile');
    await table.waitFor();
    const rows = await table
      .locator('tbody > tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll(':scope > td')].slice(0, 6).map((td) => td.textContent ?? ''),
        ),
      );
    assert.deepEqual(rows, [
      ['parcels', '3000', '3001', '2 of 3', '2', 'version 8: 1 re-extracted, 1 deleted'],
      ['permits', '500', '500', '0 of 1', '0', 'nothing to repair'],
    ]);
    const parcels = table.locator('tr[data-table="parcels"]');
    assert.match(
      (await parcels.locator('summary').textContent()) ?? '',
      /0 missing in Delta, 1 missing in the source, 1 different/,
    );
    await parcels.locator('summary').click();
    assert.deepEqual(await parcels.locator('li').allTextContents(), [
      '20 missing in the source',
      '10 different',
    ]);
    assert.match((await parcels.textContent()) ?? '', /Not compared: acres \(floating point\)/);
    assert.match((await table.locator('tr[data-table="permits"]').textContent()) ?? '', /none/);
    assert.deepEqual(session.failed, []);
    assert.deepEqual(session.consoleErrors, []);
  },
);
