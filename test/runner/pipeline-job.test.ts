// The worker-facing job runner: the demo pipeline runs as a job; the same job retried (same run id) applies
// nothing twice; a missing credential fails the job with the variable's name.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { resolveDefinitionPath } from '../../pipelines/cli/pipeline';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { isPipelineError } from '../../pipelines/definition/errors';
import { createPipelineJobRunner } from '../../pipelines/runner/pipeline-job';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

let db: TempDatabase;
let dir: string;
const logged: string[] = [];

const context = (runId: string) => ({
  runId,
  target: 'county-ops',
  signal: new AbortController().signal,
  log: async (_level: string, message: string) => {
    logged.push(message);
  },
});

before(async () => {
  db = await createTempDatabase('pipeline_job');
  await seedDemoSource({ connectionString: db.url, rows: 2_000, seed: 5 });
  dir = await mkdtemp(path.join(tmpdir(), 'pipeline-job-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

test('the demo pipeline runs as a job, and a retried job applies nothing twice', async () => {
  const run = createPipelineJobRunner({
    storage: new LocalLakeStorage(dir),
    env: { DEMO_SOURCE_URL: db.url },
    mysqlUrl: null,
    resolveDefinitionPath: (target) => resolveDefinitionPath(target),
  });
  const first = await run(context('job-1'));
  assert.equal(first.ok, true);
  assert.deepEqual(
    first.tables.map((table) => table.apply?.action),
    ['create', 'create', 'create', 'create'],
  );
  assert.ok(logged.some((line) => /service_requests: create → version 0/.test(line)));
  const [input] = first.lineage.inputs;
  assert.equal(input?.namespace, 'postgres://127.0.0.1:5432');
  assert.equal(input?.name, `${db.name}.parcels`);
  assert.match(String(input?.version), /^[0-9A-F]+\/[0-9A-F]+$/);
  const delta = first.lineage.outputs.find((output) => output.name.endsWith('/tables/parcels'));
  assert.equal(delta?.version, 0);
  assert.equal(delta?.statistics?.rowCount, first.tables[0]?.rows);
  const raw = first.lineage.outputs.find((output) => output.name.endsWith('/raw/county_ops/parcels'));
  assert.equal(raw?.version, 'job-1', "the raw landing folder's version is the run's folder");
  const retried = await run(context('job-1'));
  assert.ok(retried.tables.every((table) => table.apply?.alreadyApplied === true));
});

test('a missing credential fails the job naming the variable', async () => {
  const run = createPipelineJobRunner({
    storage: new LocalLakeStorage(dir),
    env: {},
    mysqlUrl: null,
    resolveDefinitionPath: (target) => resolveDefinitionPath(target),
  });
  await assert.rejects(run(context('job-2')), (error: unknown) => {
    return isPipelineError(error, 'MISSING_CREDENTIAL') && /DEMO_SOURCE_URL/.test(error.message);
  });
});
