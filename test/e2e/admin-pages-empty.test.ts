// A fresh install: the control database has its tables but no schedules, runs or lineage yet. Each admin
// page must say so and explain how data will appear, rather than show an empty table or an error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offOrigin, startAdminSession } from './admin-session';

test('admin pages on an empty control database explain how data appears', { timeout: 180_000 }, async (t) => {
  const session = await startAdminSession('e2e_empty', { empty: true });
  t.after(() => session.close());
  const { page } = await session.as('admin');
  const url = session.server.url;

  await t.test('Pipelines: no runs yet, and how runs get here', async () => {
    await page.goto(`${url}/pipelines`);
    const empty = page.getByTestId('runs-empty');
    await empty.waitFor();
    const text = (await empty.textContent()) ?? '';
    assert.match(text, /No runs recorded yet/);
    assert.match(text, /schedule fires[\s\S]*Run now[\s\S]*npm start[\s\S]*npm run worker/);
    assert.match(text, /npm run pipeline -- run <pipeline>[\s\S]*not recorded here/);
  });

  await t.test('Schedules: none yet, and the form to create one', async () => {
    await page.goto(`${url}/schedules`);
    const empty = page.getByTestId('schedules-empty');
    await empty.waitFor();
    assert.match(
      (await empty.textContent()) ?? '',
      /worker creates one hourly schedule per pipeline definition/,
    );
    assert.equal(await page.getByTestId('create-schedule').count(), 1);
  });

  await t.test('a schedule created on the page lists its pipeline before its first run', async () => {
    const form = page.getByTestId('create-schedule');
    await form.getByLabel('Name').fill('permits-hourly');
    await form.getByLabel('Target (pipeline or table)').fill('permits');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.locator('[data-schedule="permits-hourly"]').waitFor();
    await page.goto(`${url}/pipelines`);
    const section = page.locator('[data-pipeline="permits"]');
    await section.waitFor();
    assert.match((await section.textContent()) ?? '', /No runs recorded yet/);
    assert.match(
      (await section.getByTestId('pipeline-schedule').textContent()) ?? '',
      /permits-hourly: Every hour, next/,
    );
    assert.equal(await section.getByTestId('run-table').count(), 0);
    assert.equal(await page.getByTestId('runs-empty').count(), 1, 'the explanation stays until a run exists');
  });

  await t.test('Lineage: no lineage yet, and what records it', async () => {
    await page.goto(`${url}/lineage`);
    const empty = page.getByTestId('lineage-empty');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /OpenLineage events/);
    assert.equal(await page.getByTestId('lineage-graph').count(), 0);
  });

  await t.test('no request left the origin, none failed, no console errors', () => {
    assert.deepEqual(offOrigin(session), []);
    assert.deepEqual(session.failed, []);
    assert.deepEqual(session.consoleErrors, []);
  });
});
