// The dependency direction app → server → pipelines, and the order of folders inside pipelines/, are enforced by
// lint (eslint.config.js); this proves the rules fire on each back-edge spelling and stay quiet on allowed imports.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  assert.ok(result, 'eslint returned a result');
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('back-edge lint rule', () => {
  const backEdges: Array<[string, string]> = [
    [
      'pipelines/delta/x.ts',
      "import { loadEnv } from '../../server/config/env';\nexport const e = loadEnv;\n",
    ],
    ['pipelines/x.ts', "import { loadEnv } from '../server/config/env';\nexport const e = loadEnv;\n"],
    ['pipelines/lake/x.ts', "import { loadEnv } from '@/server/config/env';\nexport const e = loadEnv;\n"],
    ['pipelines/lake/x.ts', "import Page from '@/app/page';\nexport const p = Page;\n"],
    ['server/api/x.ts', "import Page from '../../app/page';\nexport const p = Page;\n"],
    ['server/x.ts', "import Page from '@/app/page';\nexport const p = Page;\n"],
  ];
  for (const [file, source] of backEdges) {
    it(`refuses ${source.split('\n')[0]} in ${file}`, async () => {
      const messages = await restrictedImports(file, source);
      assert.equal(messages.length, 1, `one error, got ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', /must not import/);
    });
  }

  const allowed: Array<[string, string]> = [
    [
      'server/api/x.ts',
      "import { LakeError } from '@/pipelines/lake/storage';\nexport const e = LakeError;\n",
    ],
    ['app/x.ts', "import { loadEnv } from '@/server/config/env';\nexport const e = loadEnv;\n"],
    ['pipelines/delta/x.ts', "import { LakeError } from '../lake/storage';\nexport const e = LakeError;\n"],
  ];
  for (const [file, source] of allowed) {
    it(`allows ${source.split('\n')[0]} in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(file, source), []);
    });
  }
});

describe('pipelines/ folder order lint rule', () => {
  const backEdges: Array<[string, string]> = [
    // The upward imports this rule was written against: cdc and sources reaching into runner.
    [
      'pipelines/cdc/x.ts',
      "import { runPipeline } from '../runner/run-pipeline';\nexport const r = runPipeline;\n",
    ],
    [
      'pipelines/sources/x.ts',
      "import { openSource } from '../definition/open-source';\nexport const o = openSource;\n",
    ],
    [
      'pipelines/delta/write/x.ts',
      "import { planRun } from '../../cdc/plan-run';\nexport const p = planRun;\n",
    ],
    ['pipelines/delta/x.ts', "import { cdc } from '@/pipelines/cdc';\nexport const c = cdc;\n"],
    ['pipelines/lake/x.ts', "import { t } from '../engine/duckdb-session';\nexport const e = t;\n"],
    ['pipelines/runner/x.ts', "import { main } from '../cli/pipeline';\nexport const m = main;\n"],
    // Peers of one rank do not import each other either.
    ['pipelines/sync/x.ts', "import { planRun } from '../cdc/plan-run';\nexport const p = planRun;\n"],
    [
      'pipelines/lineage/x.ts',
      "import { PipelineError } from '../definition/errors';\nexport const e = PipelineError;\n",
    ],
  ];
  for (const [file, source] of backEdges) {
    it(`refuses ${source.split('\n')[0]} in ${file}`, async () => {
      const messages = await restrictedImports(file, source);
      assert.equal(messages.length, 1, `one error, got ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', /must not import a later folder of pipelines/);
    });
  }

  it('still refuses server/ in a folder that has an order rule', async () => {
    const messages = await restrictedImports(
      'pipelines/cdc/x.ts',
      "import { loadEnv } from '../../server/config/env';\nexport const e = loadEnv;\n",
    );
    assert.equal(messages.length, 1, `one error, got ${JSON.stringify(messages)}`);
    assert.match(messages[0] ?? '', /must not import server\/ or app\//);
  });

  const allowed: Array<[string, string]> = [
    [
      'pipelines/cdc/x.ts',
      "import { PipelineError } from '../definition/errors';\nexport const e = PipelineError;\n",
    ],
    [
      'pipelines/definition/x.ts',
      "import { SOURCE_KINDS } from '../sources/kinds';\nexport const k = SOURCE_KINDS;\n",
    ],
    ['pipelines/delta/write/x.ts', "import { t } from '../../engine/duckdb-session';\nexport const e = t;\n"],
    ['pipelines/delta/write/x.ts', "import { scan } from '../scan';\nexport const s = scan;\n"],
    [
      'pipelines/cli/x.ts',
      "import { runPipeline } from '@/pipelines/runner/run-pipeline';\nexport const r = runPipeline;\n",
    ],
    ['pipelines/runner/x.ts', "import { syncTable } from '../sync';\nexport const s = syncTable;\n"],
  ];
  for (const [file, source] of allowed) {
    it(`allows ${source.split('\n')[0]} in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(file, source), []);
    });
  }
});

describe('import style lint rule', () => {
  const refused: Array<[string, string, RegExp]> = [
    [
      'server/api/x.ts',
      "import { LakeError } from '../../pipelines/lake/storage';\nexport const e = LakeError;\n",
      /through "@\/pipelines/,
    ],
    [
      'app/_lib/x.ts',
      "import type { Snapshot } from '../../pipelines/delta/index';\nexport type S = Snapshot;\n",
      /through "@\/pipelines/,
    ],
    [
      'server/api/x.ts',
      "import { isAbsolutePath } from '@/pipelines/delta/paths';\nexport const a = isAbsolutePath;\n",
      /from "@\/pipelines\/delta" \(its index\)/,
    ],
    [
      'server/api/x.ts',
      "import { loadEnv } from '@/server/config/env';\nexport const e = loadEnv;\n",
      /Inside server\/, import relatively/,
    ],
  ];
  for (const [file, source, message] of refused) {
    it(`refuses ${source.split('\n')[0]} in ${file}`, async () => {
      const messages = await restrictedImports(file, source);
      assert.equal(messages.length, 1, `one error, got ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', message);
    });
  }

  const allowed: Array<[string, string]> = [
    [
      'server/api/x.ts',
      "import { isAbsolutePath } from '@/pipelines/delta';\nexport const a = isAbsolutePath;\n",
    ],
    ['server/api/x.ts', "import { loadEnv } from '../config/env';\nexport const e = loadEnv;\n"],
    ['app/_lib/x.ts', "import type { Snapshot } from '@/pipelines/delta';\nexport type S = Snapshot;\n"],
  ];
  for (const [file, source] of allowed) {
    it(`allows ${source.split('\n')[0]} in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(file, source), []);
    });
  }
});
