// createTable records a txn and extra commitInfo fields in its commit, as the other writers do: the CDC's first
// run of a table relies on both (its run facts and idempotence) without touching the commit file itself.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readCommit } from '../../pipelines/delta/read-commit';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { append } from '../../pipelines/delta/write/write-table';
import { openTestLake, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

test('createTable writes txn and extra commitInfo into version 0; a retry of that txn applies nothing', async () => {
  const root = 'tables/txn';
  const txn = { appId: 'county-ops/parcels', version: 1 };
  await createTable(lake.effects, root, {
    data: 'SELECT range::INT AS id FROM range(3)',
    txn,
    extraCommitInfo: { pipelineRun: { runId: 'r1' } },
  });
  const actions = await readCommit(lake.effects, { path: `${root}/_delta_log/00000000000000000000.json` }, 0);
  const commitInfo = actions.find((a) => 'commitInfo' in a) as { commitInfo: Record<string, unknown> };
  assert.deepEqual(commitInfo.commitInfo.pipelineRun, { runId: 'r1' });
  const snapshot = await loadSnapshot(lake.effects, root);
  assert.equal(snapshot.txns.get(txn.appId)?.version, 1);

  const retried = await append(lake.effects, root, 'SELECT 9 AS id', { txn });
  assert.equal(retried.alreadyApplied, true);
  assert.equal((await loadSnapshot(lake.effects, root)).version, 0);
});
