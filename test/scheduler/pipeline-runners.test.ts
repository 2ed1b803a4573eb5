// The worker's runners take pipeline names from schedules, never file paths: a schedule an admin edits must not
// make the worker read an arbitrary file as a pipeline definition. Refused before anything is opened.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPipelineRunners } from '../../server/scheduler/pipeline-runners';
import type { RunContext } from '../../server/scheduler/runner-types';

const runners = createPipelineRunners({
  env: {
    LAKE_ROOT: '/nonexistent-lake',
    PIPELINES_DIR: './pipelines/demo',
    MYSQL_URL: 'mysql://root@127.0.0.1:1/none',
    DEMO_SOURCE_URL: 'postgres://postgres@127.0.0.1:1/none',
  },
  processEnv: {},
});

const contextFor = (target: string): RunContext =>
  ({
    runId: '00000000-0000-4000-8000-000000000000',
    jobType: 'pipeline.run',
    target,
    trigger: 'manual',
    attempt: 1,
    scheduledFor: null,
    signal: new AbortController().signal,
    progress: async () => undefined,
    log: async () => undefined,
    declareLineage: () => undefined,
  }) as unknown as RunContext;

for (const target of [
  '../../etc/hosts',
  '/etc/hosts',
  'pipelines/demo/county-ops.pipeline.yaml',
  '.hidden',
  'package.json',
]) {
  test(`a schedule target ${JSON.stringify(target)} is refused as not a pipeline name`, async () => {
    for (const run of [runners.runPipeline, runners.runSync, runners.runMaintenance, runners.runReconcile]) {
      await assert.rejects(run(contextFor(target)), (error: Error & { retryable?: boolean }) => {
        assert.match(error.message, /is not a pipeline name/);
        assert.equal(error.retryable, false);
        return true;
      });
    }
  });
}
