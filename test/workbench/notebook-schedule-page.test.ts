// The Schedule panel in Chromium, against the built app and a worker on a temporary control database: the owner
// sets an hourly schedule (the Agenda job appears), presses Run now, the worker runs the notebook on the server
// path, and the panel lists the run with its status, the versions it read and its outputs; the CSV download holds
// the cell's rows. A reader of the notebook sees the runs but no controls.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { createNotebookJobRunner } from '../../server/notebook-runs/notebook-job';
import { NOTEBOOK_JOB_TYPE } from '../../server/notebook-runs/notebook-schedules';
import { startWorker, type RunningWorker } from '../../server/scheduler/start-worker';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { CSRF_HEADERS } from '../support/auth';
import { addSessionCookie, launchChromium } from '../support/browser';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let db: TempDatabase;
let store: PostgresControlStore;
let wb: WorkbenchServer;
let worker: RunningWorker;
let browser: Browser;
let page: Page;
let notebookId = '';

before(async () => {
  db = await createTempDatabase('notebook_schedule_page');
  store = new PostgresControlStore(db.url);
  await store.init();
  wb = await startWorkbenchServer({ bigRows: 1_000, env: { CONTROL_DB_URL: db.url } });
  worker = await startWorker({
    controlDbUrl: db.url,
    store,
    name: `schedule-page-worker:${process.pid}`,
    runners: {
      runNotebook: createNotebookJobRunner({
        storage: openLakeStorage(wb.fixture.root),
        notebooksDir: wb.fixture.notebooksDir,
      }),
    },
    processEvery: 200,
    log: () => undefined,
    jobOptions: { lockTtlMs: 1000, agendaLockLifetimeMs: 2000 },
  });
  const created = await fetch(`${wb.server.url}/api/notebooks`, {
    method: 'POST',
    headers: { cookie: wb.analyst, 'content-type': 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({
      title: 'Letters report',
      cells: [
        {
          id: 'c1',
          kind: 'sql',
          name: 'letters',
          runOn: 'browser',
          source: 'SELECT letter, number FROM basic_append WHERE number >= {{min_number}} ORDER BY number',
        },
      ],
      parameters: { min_number: '1' },
    }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  notebookId = ((await created.json()) as { id: string }).id;
  browser = await launchChromium();
  const context = await browser.newContext({ acceptDownloads: true });
  await addSessionCookie(context, wb.analyst, wb.server.url);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await worker?.stop(5_000);
  await wb?.stop();
  await store?.close();
  await db?.drop();
});

test(
  'the owner schedules the notebook, runs it now and downloads the stored CSV',
  { timeout: 120_000 },
  async () => {
    await page.goto(`${wb.server.url}/workbench/${notebookId}`);
    await page.getByTestId('schedule-button').click();
    const panel = page.getByTestId('notebook-schedule');
    await panel.getByText('Not scheduled').waitFor();
    await panel.getByTestId('schedule-cron').fill('15 * * * *');
    await panel.getByTestId('schedule-timezone').fill('America/Chicago');
    await panel.getByTestId('schedule-parameters').getByLabel('Parameter min_number').fill('3');
    await panel.getByTestId('schedule-save').click();
    await panel
      .getByTestId('schedule-state')
      .filter({ hasText: /Scheduled: next run .*America\/Chicago/ })
      .waitFor();

    const saved = (await (
      await fetch(`${wb.server.url}/api/notebooks/${notebookId}/schedule`, {
        headers: { cookie: wb.analyst },
      })
    ).json()) as { schedule: { cron: string; parameters: unknown }; nextRunAt: string | null };
    assert.equal(saved.schedule.cron, '15 * * * *');
    assert.deepEqual(saved.schedule.parameters, { min_number: '3' });
    assert.equal(new Date(saved.nextRunAt ?? '').getUTCMinutes(), 15);
    const { jobs } = await worker.agenda.queryJobs({ names: [NOTEBOOK_JOB_TYPE], includeDisabled: true });
    assert.deepEqual(
      jobs.filter((j) => typeof j.repeatInterval === 'string').map((j) => j.repeatInterval),
      ['15 * * * *'],
    );

    await panel.getByTestId('schedule-run-now').click();
    const run = panel.locator('[data-testid="notebook-run"][data-status="succeeded"]');
    await run.waitFor({ timeout: 60_000 });
    assert.match((await run.getByTestId('run-versions').textContent()) ?? '', /basic_append v1/);
    assert.match((await run.textContent()) ?? '', /Run now by ana/);
    // Once the run is in the history, the state line no longer says it is queued.
    await page.waitForFunction(
      () => !document.querySelector('[data-testid="schedule-state"]')?.textContent?.includes('Run queued'),
      undefined,
      { timeout: 10_000 },
    );
    assert.deepEqual(
      await run.getByTestId('run-output').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))),
      ['letters'],
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      run.getByTestId('download-csv').first().click(),
    ]);
    assert.match(download.suggestedFilename(), /letters\.csv$/);
    const csv = await readFile((await download.path()) as string, 'utf8');
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'letter,number');
    assert.ok(lines.length > 1, csv);
    assert.ok(
      lines.slice(1).every((line) => Number(line.split(',')[1]) >= 3),
      `every row has number >= 3 (the schedule's parameter value): ${csv}`,
    );
  },
);

test('a reader sees the runs but no controls', { timeout: 60_000 }, async () => {
  const shared = await fetch(`${wb.server.url}/api/notebooks/${notebookId}/sharing`, {
    method: 'PUT',
    headers: { cookie: wb.analyst, 'content-type': 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({ shares: [{ user: 'bea', access: 'read' }] }),
  });
  assert.equal(shared.status, 200);
  const context = await browser.newContext();
  await addSessionCookie(context, wb.analyst2, wb.server.url);
  const reader = await context.newPage();
  try {
    await reader.goto(`${wb.server.url}/workbench/${notebookId}`);
    await reader.getByTestId('schedule-button').click();
    const panel = reader.getByTestId('notebook-schedule');
    await panel.locator('[data-testid="notebook-run"][data-status="succeeded"]').waitFor();
    assert.equal(await panel.getByTestId('schedule-run-now').count(), 0);
    assert.ok(await panel.getByTestId('schedule-cron').isDisabled());
    assert.equal(path.basename(new URL(reader.url()).pathname), notebookId);
  } finally {
    await context.close();
  }
});
