// The README's configuration table is the user's only list of variables: it must name every one we read,
// with the default the code actually uses.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { envSchema, loadEnv } from '../../server/config/env';

const readme = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

it('README lists every configuration variable with its real default', () => {
  const defaults = loadEnv({});
  for (const name of Object.keys(envSchema.shape) as Array<keyof typeof defaults>) {
    const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line));
    assert.ok(row, `README has a row for ${name}`);
    const value = defaults[name];
    // Optional variables have no default: the README says "unset" for them.
    const expected = value === undefined ? /\|\s*unset\s*\|/ : `\`${String(value)}\``;
    assert.ok(
      typeof expected === 'string' ? row.includes(expected) : expected.test(row),
      `README's default for ${name} is ${String(value ?? 'unset')}`,
    );
  }
});

it('README starts with the two commands', () => {
  const firstBlock = readme.split('```')[1] ?? '';
  assert.match(firstBlock, /npm ci && npm run demo/);
  assert.match(firstBlock, /npm ci && npm test/);
});

it("README's folder table matches the tree: every folder it names exists, every pipelines/ and server/ folder is named", () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const section = readme.slice(readme.indexOf('## Architecture'), readme.indexOf('## Commands'));
  const named = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string))
    .map((entry) => entry.replace(/\/$/, ''));
  for (const entry of named)
    assert.ok(existsSync(path.join(root, entry)), `${entry} is in the table but not in the tree`);
  for (const layer of ['pipelines', 'server']) {
    const folders = readdirSync(path.join(root, layer), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${layer}/${entry.name}`);
    for (const folder of folders)
      assert.ok(named.includes(folder), `${folder} is in the tree but not in the table`);
  }
});
