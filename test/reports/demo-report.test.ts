// The demo's published report: seeded once with its saved chart, published for every role over the latest data,
// and not brought back once its id is taken.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadEnv } from '../../server/config/env';
import { createReportStore } from '../../server/reports/report-store';
import { DEMO_REPORT_ID, seedDemoReport } from '../../server/reports/demo-report';

test('the demo seeds one published report with a saved chart, once', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'demo-report-'));
  try {
    const env = {
      ...loadEnv(),
      NOTEBOOKS_DIR: path.join(dir, 'notebooks'),
      LAKE_ROOT: path.join(dir, 'lake'),
    };
    const lines: string[] = [];
    await seedDemoReport(env, 'admin', (line) => lines.push(line));
    const store = createReportStore(env.NOTEBOOKS_DIR);
    const report = await store.read(DEMO_REPORT_ID);
    assert.ok(report);
    assert.deepEqual(report.roles, ['analyst', 'frontend', 'admin']);
    assert.deepEqual(report.pin, { kind: 'latest' });
    assert.equal(report.owner, 'admin');
    const chartCell = report.notebook.cells.find((cell) => cell.display === 'chart');
    assert.equal(chartCell?.chart?.x, 'category');
    // The notebook file carries the chart as a cell attribute.
    const file = await readFile(path.join(env.NOTEBOOKS_DIR, `${DEMO_REPORT_ID}.sql`), 'utf8');
    assert.match(file, /^-- %% sql id=c2 name=by_category run=browser display=chart chart=\S+$/m);
    assert.deepEqual(lines, [`published the demo report at /reports/${DEMO_REPORT_ID}`]);
    // Unpublished by an admin, a second demo start leaves it so.
    await store.remove(DEMO_REPORT_ID);
    await seedDemoReport(env, 'admin', (line) => lines.push(line));
    assert.equal(await store.read(DEMO_REPORT_ID), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
