// `npm test` runs this after the build: it prepares the machine (services, databases, Chromium), then hands
// every test file to Node's test runner in one process tree so its closing summary covers the whole suite.
// Pass file paths or folder names to run a subset: `npm test -- test/lake`.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadEnv } from '../server/config/env';
import { prepareServices } from '../server/services/prepare-services';
import { ensureChromium } from './support/ensure-chromium';

function findTests(target: string): string[] {
  const stat = statSync(target);
  if (stat.isFile()) return target.endsWith('.test.ts') ? [target] : [];
  return readdirSync(target)
    .sort()
    .flatMap((name) =>
      name === 'node_modules' || name.startsWith('.') ? [] : findTests(path.join(target, name)),
    );
}

const log = (line: string) => console.log(`[test] ${line}`);
const targets = process.argv.slice(2);
const files = (targets.length ? targets : ['test']).flatMap(findTests);
if (files.length === 0) {
  console.error(`[test] no test files under ${targets.join(' ') || 'test'}`);
  process.exit(1);
}

await prepareServices(loadEnv(), log);
ensureChromium(log);

// One file at a time: integration files share the machine's databases and its two cores.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
