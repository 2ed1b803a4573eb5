// The demo definition's checks (pipelines/demo/county-ops.pipeline.yaml) are realistic and hold on demo data:
// the first run and a run after hours of county activity pass every one of them, on the incoming rows and on the
// snapshots, and the sync runs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyChangeHour } from '../../pipelines/demo/apply-change-hour';
import { resolveDefinitionPath } from '../../pipelines/definition/definitions-dir';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { mysqlSkipReason, openRunnerServices, type RunnerServices } from '../runner/services';

const skip = await mysqlSkipReason();
let services: RunnerServices;

before(async () => {
  if (skip) return;
  services = await openRunnerServices('qdemo');
});
after(async () => {
  if (skip) return;
  await services.close();
});

describe('the demo checks pass on demo data', { skip: skip ?? false }, () => {
  it('on the first load and after three hours of changes', async () => {
    const run = createPipelineJobRunner({
      storage: services.storage,
      env: { DEMO_SOURCE_URL: services.source.url },
      mysqlUrl: services.mysql.url,
      resolveDefinitionPath: (target) => resolveDefinitionPath(target),
    });
    const context = (runId: string) => ({
      runId,
      target: 'county-ops',
      signal: new AbortController().signal,
      log: async () => undefined,
    });
    const first = await run(context('qdemo-1'));
    const checks = first.results.quality ?? [];
    assert.ok(checks.length >= 13, `${checks.length} results`);
    assert.deepEqual(
      checks.filter((r) => !r.passed),
      [],
    );
    assert.ok(checks.some((r) => r.stage === 'snapshot' && r.check === 'unique(request_number)'));
    for (let hour = 1; hour <= 3; hour += 1) {
      await applyChangeHour({
        connectionString: services.source.url,
        clock: () => new Date(Date.now() + hour * 3_600_000),
      });
    }
    const next = await run(context('qdemo-2'));
    assert.ok(next.tables.every((table) => table.apply?.action === 'incremental'));
    assert.deepEqual(
      (next.results.quality ?? []).filter((r) => !r.passed),
      [],
    );
    assert.equal(next.syncs.length, 4);
    assert.ok(next.syncs.every((sync) => sync.result && !sync.error));
  });
});
