// Data-quality results on the Pipelines page in Chromium, over a control database filled through the real store
// with results the real check engine produced (native DuckDB over bad rows): the run page lists every check with
// its verdict (failed error, warning, passed), observed figure and message, failures first; the pipeline's
// section sums up each table's latest checks and links to their run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDefinition } from '../../pipelines/definition/load-definition';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { evaluateChecks } from '../../pipelines/quality/evaluate-checks';
import { startAdminSession } from './admin-session';

async function produceResults() {
  const definition = parseDefinition(
    {
      name: 'qchecks',
      source: { name: 's', connection: { kind: 'postgres', urlEnv: 'X' } },
      defaults: { mode: 'full' },
      tables: [
        {
          name: 'parcels',
          primaryKey: ['parcel_id'],
          checks: [
            { kind: 'not_null', columns: ['apn'] },
            {
              kind: 'accepted_values',
              column: 'land_use',
              values: ['residential', 'commercial'],
              severity: 'warn',
            },
            { kind: 'range', column: 'acres', min: 0 },
          ],
        },
      ],
    },
    'qchecks.yaml',
  );
  const duckdb = await createDuckDbSession();
  try {
    const checks = definition.tables[0]?.checks ?? [];
    const target = {
      table: 'parcels',
      primaryKey: ['parcel_id'],
      stage: 'incoming' as const,
      relationSql: `SELECT * FROM (VALUES (1, NULL, 'residential', 1.5), (2, NULL, 'farm', 2.0), (3, 'A-3', 'commercial', 0.5)) t(parcel_id, apn, land_use, acres)`,
    };
    const bad = await evaluateChecks(duckdb, checks, target);
    const good = await evaluateChecks(duckdb, checks, {
      ...target,
      relationSql: `SELECT 1 AS parcel_id, 'A-1' AS apn, 'residential' AS land_use, 1.0 AS acres`,
    });
    return { bad, good };
  } finally {
    duckdb.close();
  }
}

test('Pipelines page: data-quality checks of a run and per table', { timeout: 180_000 }, async (t) => {
  const session = await startAdminSession('e2e_quality');
  t.after(() => session.close());
  const { store } = session.fixture;
  const { bad, good } = await produceResults();
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  const earlier = await store.createRun({
    pipeline: 'qchecks',
    jobType: 'pipeline.run',
    trigger: 'schedule',
    startedAt: minutesAgo(90),
  });
  await store.finishRun(earlier.id, { status: 'succeeded', now: minutesAgo(88), results: { quality: good } });
  const failed = await store.createRun({
    pipeline: 'qchecks',
    jobType: 'pipeline.run',
    trigger: 'schedule',
    startedAt: minutesAgo(30),
  });
  await store.finishRun(failed.id, {
    status: 'failed',
    error: { message: 'parcels: stopped before the Delta commit', code: 'QUALITY_CHECK_FAILED' },
    now: minutesAgo(29),
    results: { quality: bad },
  });
  const { page } = await session.as('admin');
  const url = session.server.url;

  await t.test('the run page lists each check with its verdict, failures first', async () => {
    await page.goto(`${url}/pipelines?run=${failed.id}`);
    const checks = page.getByTestId('run-detail').getByTestId('run-checks');
    await checks.waitFor();
    const rows = await checks
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    assert.deepEqual(rows, [
      ['parcels', 'not_null(apn)', 'error', 'incoming rows', 'Failed', '2', '2 rows with apn null'],
      [
        'parcels',
        'accepted_values(land_use)',
        'warn',
        'incoming rows',
        'Warning',
        '1',
        '1 row outside the list: farm (1)',
      ],
      ['parcels', 'range(acres)', 'error', 'incoming rows', 'Passed', '0', 'within [0, ∞]'],
    ]);
    assert.match(
      (await page.getByTestId('run-error').textContent()) ?? '',
      /QUALITY_CHECK_FAILED[\s\S]*stopped before the Delta commit/,
    );
  });

  await t.test(
    "the pipeline's section sums up each table's latest checks and links to their run",
    async () => {
      const latest = page.locator('[data-pipeline="qchecks"]').getByTestId('latest-checks');
      await latest.waitFor();
      assert.match(
        (await latest.locator('summary').textContent()) ?? '',
        /parcels 1\/3 passed, 1 failed, 1 warning/,
      );
      await latest.locator('summary').click();
      const item = latest.locator('li[data-table="parcels"]');
      assert.match((await item.textContent()) ?? '', /Failed not_null\(apn\): 2 rows with apn null/);
      assert.match((await item.getAttribute('data-table')) ?? '', /parcels/);
      assert.match((await item.locator('a').getAttribute('href')) ?? '', new RegExp(`run=${failed.id}`));
    },
  );

  assert.deepEqual(session.failed, []);
  assert.deepEqual(session.consoleErrors, []);
});
