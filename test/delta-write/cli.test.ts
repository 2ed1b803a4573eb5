// The CLI's write commands: restore, optimize, vacuum, checkpoint; errors go to stderr with a non-zero exit.

import assert from 'node:assert/strict';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { runDeltaCli } from '../../pipelines/cli/delta';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { append } from '../../pipelines/delta/write/write-table';
import { openTestLake, readRows, type TestLake } from './helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, callback) {
        append(String(chunk));
        callback();
      },
    });
  const code = await runDeltaCli(argv, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
  });
  return { code, stdout, stderr };
}

test('delta checkpoint / optimize / vacuum / restore on a local table', async () => {
  const dir = path.join(lake.dir, 'cli-table');
  const effects = { storage: new LocalLakeStorage(dir), duckdb: lake.duckdb };
  await createTable(effects, '', { data: 'SELECT 1 AS id' });
  await append(effects, '', 'SELECT 2 AS id');
  await append(effects, '', 'SELECT 3 AS id');

  const checkpoint = await runCli(['checkpoint', dir]);
  assert.equal(checkpoint.code, 0, checkpoint.stderr);
  assert.equal(JSON.parse(checkpoint.stdout).version, 2);

  const optimized = await runCli(['optimize', dir, '--sort-by', 'id']);
  assert.equal(optimized.code, 0, optimized.stderr);
  assert.equal(JSON.parse(optimized.stdout).metrics.numFilesRemoved, 3);
  assert.equal((await loadSnapshot(effects, '')).files.length, 1);

  const refused = await runCli(['vacuum', dir, '--retain-hours', '1']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /UNSAFE_RETENTION/);
  const dry = await runCli(['vacuum', dir, '--retain-hours', '0', '--force', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout.trim().split('\n').length, 3);
  assert.match(dry.stderr, /would delete 3 file/);

  const restored = await runCli(['restore', dir, '--version', '1']);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(JSON.parse(restored.stdout).version, 4);
  assert.deepEqual(await readRows(effects, ''), [{ id: 1 }, { id: 2 }]);

  const missing = await runCli(['restore', dir]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--version N or --timestamp T/);
});
