// The demo's published report (issue 15): one notebook over the demo tables, owned by the demo's admin and
// published for every role over the latest data, with a saved chart on service_requests (the demo's largest
// table) and a table on building_permits. The benchmark (`npm run bench -- workbench`) times the same report.

import path from 'node:path';
import { createDuckDbSession } from '@/pipelines/engine/duckdb-session';
import { openLakeStorage } from '@/pipelines/lake/open-lake-storage';
import type { Env } from '../config/env';
import { createNotebookStore } from '../notebooks/notebook-store';
import { createVersionedNotebooks, NotebookIdTakenError } from '../notebooks/notebook-versions';
import type { Notebook } from '../notebooks/types';
import { createReportFileStore } from './report-files';
import { createReportStore } from './report-store';
import { publishReport } from './reports';

export const DEMO_REPORT_ID = 'demo-service-requests';

/** The notebook; `table` lets the benchmark point the chart at its own copy of the largest table. */
export function demoReportNotebook(table = 'service_requests'): Notebook {
  return {
    id: DEMO_REPORT_ID,
    title: 'Service requests by category',
    // Typed parameters as inputs at the top of the report (and in its URL): both bound as literals by type.
    parameters: [
      {
        name: 'priority',
        type: 'single_choice',
        label: 'Priority',
        options: ['any', 'low', 'normal', 'high', 'urgent'],
        default: 'any',
      },
      // No default: every request, whenever opened, until a viewer picks a range.
      { name: 'opened', type: 'date_range', label: 'Opened between' },
    ],
    cells: [
      {
        id: 'c1',
        kind: 'markdown',
        source:
          '# Service requests\n\nRequests per category, split into those still open and those closed. ' +
          'Numbers come from the lake’s Delta tables; the line above says which versions. Pick a priority or ' +
          'the dates requests were opened between above: the chart follows, and the page’s URL keeps the choice.',
      },
      {
        id: 'c2',
        kind: 'sql',
        name: 'by_category',
        runOn: 'browser',
        display: 'chart',
        chart: { kind: 'bar', x: 'category', y: ['open', 'closed'], title: 'Service requests by category' },
        source: [
          'SELECT category,',
          "       count(*) FILTER (WHERE status NOT IN ('closed', 'cancelled')) AS open,",
          "       count(*) FILTER (WHERE status IN ('closed', 'cancelled')) AS closed",
          `FROM ${table}`,
          "WHERE ({{priority}} = 'any' OR priority = {{priority}})",
          '  AND ({{opened.from}} IS NULL OR opened_at >= {{opened.from}})',
          '  AND ({{opened.to}} IS NULL OR opened_at < CAST({{opened.to}} AS DATE) + INTERVAL 1 DAY)',
          'GROUP BY category',
          'ORDER BY open + closed DESC',
        ].join('\n'),
      },
      {
        id: 'c3',
        kind: 'sql',
        name: 'permits_by_status',
        runOn: 'browser',
        source:
          'SELECT status, count(*) AS permits\nFROM building_permits\nGROUP BY status\nORDER BY permits DESC',
      },
    ],
  };
}

/**
 * Creates and publishes the demo report once (its id stays taken afterwards, so a report an admin unpublished or
 * a notebook they deleted is not brought back). Publishing over the latest data needs no table to exist yet: the
 * first pipeline run is still queued when this runs.
 */
export async function seedDemoReport(env: Env, owner: string, log: (line: string) => void): Promise<void> {
  const dir = path.resolve(env.NOTEBOOKS_DIR);
  const notebooks = createVersionedNotebooks(createNotebookStore(dir), dir);
  try {
    await notebooks.create(demoReportNotebook(), owner);
  } catch (error) {
    if (error instanceof NotebookIdTakenError) return;
    throw error;
  }
  const storage = openLakeStorage(env.LAKE_ROOT);
  const duckdb = await createDuckDbSession({ threads: 1 });
  try {
    await publishReport(
      {
        reports: createReportStore(dir),
        files: createReportFileStore(dir),
        notebooks,
        lake: () => Promise.resolve({ storage, duckdb }),
      },
      { username: owner, roles: ['admin'] },
      DEMO_REPORT_ID,
      { roles: ['analyst', 'frontend', 'admin'], pin: { kind: 'latest' } },
    );
  } finally {
    duckdb.close();
  }
  log(`published the demo report at /reports/${DEMO_REPORT_ID}`);
}
