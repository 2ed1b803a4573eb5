// The pipeline.reconcile job on the demo pipeline (real PostgreSQL source, Delta tables, MariaDB): after a run
// every table matches; a parcel changed behind the watermark and an inspection deleted make a compare-only run
// fail with RECONCILE_DIFFERENCES, the figures in its progress, the keys in its log and its results on the error;
// a run with repair fixes both in Delta and MySQL and succeeds.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { resolveDefinitionPath } from '../../pipelines/definition/definitions-dir';
import type { JobProgress } from '../../pipelines/runner/job-context';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { createReconcileJobRunner } from '../../pipelines/runner/reconcile-job';
import type { ReconcileTableResult } from '../../pipelines/reconcile/reconcile-result';
import { createTempDatabase, queryRows, withClient, type TempDatabase } from '../support/postgres';
import { createTestDatabase, mariaDbSkipReason, type TestDatabase } from '../sync/mysql-test-db';

const skip = await mariaDbSkipReason();
let db: TempDatabase;
let mysql: TestDatabase;
let lake: string;
let storage: LocalLakeStorage;

before(async () => {
  if (skip) return;
  db = await createTempDatabase('reconcile_job');
  await seedDemoSource({ connectionString: db.url, rows: 2_000, seed: 5 });
  mysql = await createTestDatabase('reconcile_job');
  lake = await mkdtemp(path.join(tmpdir(), 'reconcile-job-'));
  storage = new LocalLakeStorage(lake);
});
after(async () => {
  if (skip) return;
  await rm(lake, { recursive: true, force: true });
  await mysql?.drop();
  await db?.drop();
});

function context(runId: string, repair: boolean, progress: JobProgress = {}, logs: string[] = []) {
  return {
    runId,
    target: 'county-ops',
    repair,
    signal: new AbortController().signal,
    log: async (level: string, message: string) => void logs.push(`${level} ${message}`),
    progress: async (p: JobProgress) => void Object.assign(progress, p),
  };
}

const deps = () => ({
  storage,
  env: { DEMO_SOURCE_URL: db.url },
  mysqlUrl: mysql.url,
  resolveDefinitionPath: (target: string) => resolveDefinitionPath(target, 'pipelines/demo'),
});

test(
  'reconcile job: compare-only fails on differences with figures and keys; repair fixes Delta and MySQL',
  { skip },
  async () => {
    await createPipelineJobRunner(deps())(context('run-1', false));
    const reconcile = createReconcileJobRunner(deps());

    const clean: JobProgress = {};
    const first = await reconcile(context('rc-1', false, clean));
    assert.equal(first.results.reconcile.length, 4);
    assert.ok(first.results.reconcile.every((table) => table.differingKeys === 0 && !table.error));
    assert.equal(clean['parcels.differingKeys'], 0);
    assert.equal(clean.stage, 'done');

    const [parcel] = await queryRows<{ id: string }>(
      db.url,
      'SELECT min(parcel_id)::text AS id FROM parcels',
    );
    const [inspection] = await queryRows<{ id: string }>(
      db.url,
      'SELECT max(inspection_id)::text AS id FROM inspections',
    );
    await withClient(db.url, async (client) => {
      await client.query(
        `UPDATE parcels SET owner_name = owner_name || ' (sold)' WHERE parcel_id = ${parcel?.id}`,
      );
      await client.query(`DELETE FROM inspections WHERE inspection_id = ${inspection?.id}`);
    });

    const progress: JobProgress = {};
    const logs: string[] = [];
    await assert.rejects(
      reconcile(context('rc-2', false, progress, logs)),
      (error: Error & { code?: string; results?: { reconcile: ReconcileTableResult[] } }) => {
        assert.equal(error.code, 'RECONCILE_DIFFERENCES');
        assert.equal((error as { retryable?: boolean }).retryable, false, 'a finding is not retried');
        assert.match(error.message, /parcels 1 keys, inspections 1 keys/);
        assert.deepEqual(
          error.results?.reconcile.map((table) => [table.table, table.keys]),
          [
            ['parcels', [{ key: parcel?.id, issue: 'different' }]],
            ['building_permits', []],
            ['inspections', [{ key: inspection?.id, issue: 'missing_in_source' }]],
            ['service_requests', []],
          ],
        );
        return true;
      },
    );
    assert.equal(progress['parcels.different'], 1);
    assert.equal(progress['inspections.missingInSource'], 1);
    assert.equal(progress['building_permits.differingKeys'], 0);
    assert.ok(logs.includes(`warn parcels: different ${parcel?.id}`), logs.join('\n'));
    assert.ok(logs.includes(`warn inspections: missing_in_source ${inspection?.id}`), logs.join('\n'));

    const repaired: JobProgress = {};
    const fixed = await reconcile(context('rc-3', true, repaired));
    assert.equal(typeof repaired['parcels.repairedVersion'], 'number');
    assert.equal(repaired['service_requests.repairedVersion'], null, 'nothing to repair: nothing written');
    assert.deepEqual(
      fixed.syncs.map((sync) => [sync.table, sync.error]),
      [
        ['parcels', undefined],
        ['inspections', undefined],
      ],
    );
    assert.deepEqual(
      fixed.lineage.outputs.map((output) => output.name.split('/').pop()),
      ['parcels', 'inspections'],
    );
    const [[owner]] = (await mysql.admin.query(
      `SELECT owner_name FROM parcels WHERE parcel_id = ${parcel?.id}`,
    )) as unknown as [{ owner_name: string }[]];
    assert.match(owner?.owner_name ?? '', / \(sold\)$/, 'MySQL followed the repair');
    const [[gone]] = (await mysql.admin.query(
      `SELECT COUNT(*) AS n FROM inspections WHERE inspection_id = ${inspection?.id}`,
    )) as unknown as [{ n: string }[]];
    assert.equal(Number(gone?.n), 0);

    const after = await reconcile(context('rc-4', false));
    assert.ok(after.results.reconcile.every((table) => table.differingKeys === 0));
  },
);
