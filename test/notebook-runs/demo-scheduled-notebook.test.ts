// The demo's scheduled notebook: created once with its hourly Agenda job and settings file (a second start leaves
// both as they are), and its SQL runs on the server path over tables shaped like the demo pipeline's.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTable } from '../../pipelines/delta/index';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { DEMO_SCHEDULED_NOTEBOOK, seedScheduledNotebook } from '../../server/cli/demo-scheduled-notebook';
import { loadEnv } from '../../server/config/env';
import { NOTEBOOK_JOB_TYPE } from '../../server/notebook-runs/notebook-schedules';
import { createRunFolders } from '../../server/notebook-runs/run-folders';
import { runNotebook } from '../../server/notebook-runs/run-notebook';
import { createScheduleSettingsStore } from '../../server/notebook-runs/schedule-settings';
import { createNotebookStore } from '../../server/notebooks/notebook-store';
import { createVersionedNotebooks } from '../../server/notebooks/notebook-versions';
import { openControlTestDb, type ControlTestDb } from '../scheduler/control-test-db';

let control: ControlTestDb;
let dir: string;

before(async () => {
  control = await openControlTestDb('demo_notebook');
  dir = await mkdtemp(path.join(os.tmpdir(), 'demo-notebook-'));
});
after(async () => {
  await control.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the demo scheduled notebook', () => {
  it('is created once with an hourly schedule, and its cells run over the demo tables', async () => {
    const notebooksDir = path.join(dir, 'notebooks');
    const env = { ...loadEnv({}), NOTEBOOKS_DIR: notebooksDir, CONTROL_DB_URL: control.db.url };
    const lines: string[] = [];
    await seedScheduledNotebook(env, (line) => lines.push(line));
    await seedScheduledNotebook(env, (line) => lines.push(line));
    assert.equal(lines.length, 1, 'the second start creates nothing');
    const settings = await createScheduleSettingsStore(notebooksDir).read(DEMO_SCHEDULED_NOTEBOOK);
    assert.equal(settings?.cron, '5 * * * *');
    assert.equal(settings?.enabled, true);
    const { jobs } = await control.web.agenda.queryJobs({
      names: [NOTEBOOK_JOB_TYPE],
      includeDisabled: true,
    });
    assert.deepEqual(
      jobs.map((j) => j.repeatInterval),
      ['5 * * * *'],
    );

    const duckdb = await createDuckDbSession({ threads: 1 });
    try {
      const lake = { storage: openLakeStorage(path.join(dir, 'lake')), duckdb };
      await createTable(lake, 'tables/building_permits', {
        data: `SELECT i::BIGINT AS permit_id, (['issued', 'finaled'])[i % 2 + 1] AS status,
                 (i * 1000)::DECIMAL(14,2) AS valuation, 100::DECIMAL(12,2) AS fee_total,
                 40::DECIMAL(12,2) AS fees_paid FROM range(0, 6) AS r(i)`,
      });
      await createTable(lake, 'tables/service_requests', {
        data: `SELECT i::BIGINT AS request_id, (['low', 'high'])[i % 2 + 1] AS priority, 'open' AS status
               FROM range(0, 4) AS r(i)`,
      });
      const dirOf = path.resolve(notebooksDir);
      const { notebook } = await createVersionedNotebooks(createNotebookStore(dirOf), dirOf).open(
        DEMO_SCHEDULED_NOTEBOOK,
      );
      const { manifest } = await runNotebook(
        { lake, folders: createRunFolders(notebooksDir), notebooksDir },
        { notebook, trigger: 'schedule', parameters: {} },
      );
      assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
      assert.deepEqual(
        manifest.outputs.map((o) => [o.name, o.rows]),
        [
          ['permits_by_status', 2],
          ['requests_by_priority', 2],
        ],
      );
      assert.deepEqual(manifest.versions, { building_permits: 0, service_requests: 0 });
    } finally {
      duckdb.close();
    }
  });
});
