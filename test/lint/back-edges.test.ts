// The dependency direction app → server → pipelines is enforced by lint (eslint.config.js); this proves the
// rule fires on each back-edge spelling and stays quiet on allowed imports.

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
      "import { LakeError } from '../../pipelines/lake/storage';\nexport const e = LakeError;\n",
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
