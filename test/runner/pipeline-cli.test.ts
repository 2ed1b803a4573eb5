// The pipeline CLI's thin entry point: validate, plan against an empty lake, and refusals with exit codes.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { resolveDefinitionPath, runPipelineCli } from '../../pipelines/cli/pipeline';
import { captureCli } from '../support/cli-output';

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  return captureCli((io) => runPipelineCli(argv, io, env));
}

test('a name resolves to the demo definitions; a path is taken as it is', () => {
  assert.equal(resolveDefinitionPath('county-ops'), path.resolve('pipelines/demo/county-ops.pipeline.yaml'));
  assert.equal(
    resolveDefinitionPath('pipelines/demo/county-ops.pipeline.yaml'),
    path.resolve('pipelines/demo/county-ops.pipeline.yaml'),
  );
});

test('validate and plan the demo pipeline against an empty lake', async () => {
  const lake = await mkdtemp(path.join(tmpdir(), 'pipeline-cli-'));
  try {
    const validated = await run(['validate', 'county-ops']);
    assert.equal(validated.code, 0, validated.err);
    assert.match(validated.out, /ok \(4 tables, 11 checks, 0 \* \* \* \* America\/Los_Angeles\)/);
    // Hourly: each table's default freshness limit is twice that.
    assert.match(validated.out, /^ {2}parcels: stale when older than 2h$/m);
    assert.equal(validated.out.match(/stale when older than 2h$/gm)?.length, 4);
    const planned = await run(['plan', 'county-ops', '--lake', lake]);
    assert.equal(planned.code, 0, planned.err);
    assert.match(planned.out, /^parcels \(tables\/parcels, no table\): run 1 create: first run/m);
    assert.equal(planned.out.trim().split('\n').length, 4);
    const one = await run(['plan', 'county-ops', '--table', 'inspections', '--json', '--lake', lake]);
    const plans = JSON.parse(one.out) as { table: string; action: string }[];
    assert.deepEqual(
      plans.map((plan) => [plan.table, plan.action]),
      [['inspections', 'create']],
    );
  } finally {
    await rm(lake, { recursive: true, force: true });
  }
});

test('a bad definition or usage exits non-zero with the reason', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pipeline-cli-'));
  try {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(
      file,
      'name: bad\nsource: { name: s, connection: { kind: postgres, urlEnv: X } }\ntables: []\n',
    );
    const bad = await run(['validate', file]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /bad\.yaml: tables: /);
    // A custom SQL check that is not one read-only SELECT is refused by validate, naming table and check.
    const writer = path.join(dir, 'writer.yaml');
    await writeFile(
      writer,
      'name: writer\nsource: { name: s, connection: { kind: postgres, urlEnv: X } }\ndefaults: { mode: full }\n' +
        'tables:\n  - name: t\n    primaryKey: [id]\n    checks:\n' +
        '      - { kind: sql, name: sneaky, sql: "DELETE FROM incoming" }\n',
    );
    const refused = await run(['validate', writer]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /writer\.yaml: t: sql:sneaky: a check must be a single SELECT \(read-only\)/);
    assert.equal((await run(['explode', 'county-ops'])).code, 2);
    const unknown = await run(['plan', 'county-ops', '--table', 'nope', '--lake', dir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /has no table nope/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
