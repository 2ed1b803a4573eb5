// The demo's published report: seeded once with its saved chart, published for every role over the latest data,
// and not brought back once its id is taken.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadEnv } from '../../server/config/env';
import { createReportStore } from '../../server/reports/report-store';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { bindParameters, ParameterError } from '../../server/notebooks/parameters';
import type { ParameterValues } from '../../server/notebooks/parameter-types';
import { DEMO_REPORT_ID, demoReportNotebook, seedDemoReport } from '../../server/reports/demo-report';

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

test('the demo report’s chart SQL binds its typed parameters and counts the right rows in DuckDB', async () => {
  const notebook = demoReportNotebook('requests');
  const chart = notebook.cells.find((cell) => cell.display === 'chart');
  assert.ok(chart);
  const session = await createDuckDbSession({ threads: 1 });
  try {
    await session.run(`CREATE TABLE requests AS SELECT * FROM (VALUES
      ('pothole', 'high', 'new', TIMESTAMPTZ '2024-01-10 08:00'),
      ('pothole', 'high', 'closed', TIMESTAMPTZ '2024-01-31 23:30'),
      ('pothole', 'low', 'closed', TIMESTAMPTZ '2024-01-15 09:00'),
      ('graffiti', 'high', 'cancelled', TIMESTAMPTZ '2024-02-01 00:00'),
      ('graffiti', 'urgent', 'assigned', TIMESTAMPTZ '2023-12-31 12:00')
    ) t(category, priority, status, opened_at)`);
    const run = async (values: ParameterValues) =>
      (await session.queryJson(bindParameters(chart.source, notebook.parameters, values))).map((row) => ({
        category: row.category,
        open: Number(row.open),
        closed: Number(row.closed),
      }));
    // Defaults: any priority, no date range: every row.
    assert.deepEqual(await run({}), [
      { category: 'pothole', open: 1, closed: 2 },
      { category: 'graffiti', open: 1, closed: 1 },
    ]);
    // High priority, opened in January 2024 (the range's last day counts whole).
    assert.deepEqual(await run({ priority: 'high', opened: { from: '2024-01-01', to: '2024-01-31' } }), [
      { category: 'pothole', open: 1, closed: 1 },
    ]);
    // A choice outside the fixed list never reaches the SQL.
    await assert.rejects(run({ priority: "any' OR 1=1 --" }), ParameterError);
  } finally {
    session.close();
  }
});
