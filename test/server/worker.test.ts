// The worker process starts on the control database with the real runners, schedules the definitions in
// PIPELINES_DIR, says it is ready, and drains and exits 0 on SIGTERM.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTempDatabase } from '../support/postgres';

const root = path.resolve(import.meta.dirname, '..', '..');

function waitForLine(chunks: string[], pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pattern.test(chunks.join(''))) return resolve();
      if (Date.now() > deadline)
        return reject(new Error(`no ${pattern} within ${ms} ms; output:\n${chunks.join('')}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

describe('worker process', () => {
  let db: Awaited<ReturnType<typeof createTempDatabase>>;
  before(async () => {
    db = await createTempDatabase('control');
  });
  after(async () => {
    await db.drop();
  });

  it('starts on the control database and stops cleanly on SIGTERM', async () => {
    const output: string[] = [];
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['server/worker.ts'], {
      cwd: root,
      env: { ...process.env, CONTROL_DB_URL: db.url },
    });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitForLine(output, /\[worker\].* ready;/, 30_000);
      // The real runners are wired and the demo definition is scheduled at start.
      assert.match(output.join(''), /ready; .*pipelines from \.\/pipelines\/demo: county-ops;/);
      assert.doesNotMatch(output.join(''), /not built/);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const tables = await client.query("SELECT to_regclass('public.agenda_jobs') AS t");
      await client.end();
      assert.equal(tables.rows[0].t, 'agenda_jobs', 'Agenda created its job table in the control database');
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(output.join(''), /draining running jobs[\s\S]*stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('fails at start with a message naming a malformed variable', async () => {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['server/worker.ts'], {
      cwd: root,
      env: { ...process.env, CONTROL_DB_URL: 'not-a-url' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.match(stderr, /CONTROL_DB_URL=/);
  });
});
