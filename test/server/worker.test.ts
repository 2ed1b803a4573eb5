// The worker process starts on the control database with the real runners, schedules the definitions in
// PIPELINES_DIR, says it is ready, and drains and exits 0 on SIGTERM.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTempDatabase } from '../support/postgres';
import { startWorkerProcess } from '../support/worker-process';

describe('worker process', () => {
  let db: Awaited<ReturnType<typeof createTempDatabase>>;
  before(async () => {
    db = await createTempDatabase('control');
  });
  after(async () => {
    await db.drop();
  });

  it('starts on the control database and stops cleanly on SIGTERM', async () => {
    const { child, output, waitFor, exited } = startWorkerProcess({ CONTROL_DB_URL: db.url });
    try {
      await waitFor(/\[worker\].* ready;/, 30_000);
      // The real runners are wired and the demo definition is scheduled at start.
      assert.match(output(), /ready; .*pipelines from \.\/pipelines\/demo: county-ops;/);
      assert.doesNotMatch(output(), /not built/);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const tables = await client.query("SELECT to_regclass('public.agenda_jobs') AS t");
      await client.end();
      assert.equal(tables.rows[0].t, 'agenda_jobs', 'Agenda created its job table in the control database');
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(output(), /draining running jobs[\s\S]*stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('fails at start with a message naming a malformed variable', async () => {
    const { output, exited } = startWorkerProcess({ CONTROL_DB_URL: 'not-a-url' });
    assert.equal(await exited, 1);
    assert.match(output(), /CONTROL_DB_URL=/);
  });
});
