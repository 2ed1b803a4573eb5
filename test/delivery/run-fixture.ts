// A stored notebook run for the delivery tests, as the runner leaves it: NOTEBOOKS_DIR/.meta/runs/<id>/<runId>/
// with each output written as Parquet by native DuckDB, and its manifest.

import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createDuckDbSession, toSqlString } from '../../pipelines/engine/duckdb-session';
import type { NotebookRunManifest, NotebookRunOutput } from '../../server/notebook-runs/types';

/** Permits per district and month: text with a comma and a quote, a NULL, dates, decimals, booleans. */
export const PERMITS_SQL = `
  SELECT * FROM (VALUES
    (DATE '2026-11-01', 'North', 12::BIGINT, 1530.50::DECIMAL(10,2), true, NULL),
    (DATE '2026-11-01', 'South, "old town"', 7::BIGINT, 880.00::DECIMAL(10,2), false, 'reviewed'),
    (DATE '2026-10-01', 'North', 9::BIGINT, 1012.25::DECIMAL(10,2), true, 'line one
line two')
  ) AS t(month, district, permits, fees, active, note)`;

/** Enough rows that their CSV (about 1.9 MB) passes a small attachment cap. */
export const BIG_SQL = `SELECT i::BIGINT AS id, 'parcel ' || i AS address, i * 1.5 AS area FROM range(0, 60000) AS r(i)`;

export interface RunFixture {
  notebooksDir: string;
  manifest: NotebookRunManifest;
}

export async function writeRunFixture(
  notebooksDir: string,
  outputs: Record<string, string>,
  overrides: Partial<NotebookRunManifest> = {},
): Promise<RunFixture> {
  const notebookId = overrides.notebookId ?? 'permits-week';
  const runId = overrides.runId ?? `run-${Object.keys(outputs).join('-') || 'none'}`;
  const runDir = path.join(notebooksDir, '.meta', 'runs', notebookId, runId);
  await mkdir(runDir, { recursive: true });
  const session = await createDuckDbSession({ threads: 1 });
  const written: NotebookRunOutput[] = [];
  try {
    for (const [name, sql] of Object.entries(outputs)) {
      const file = `${name}.parquet`;
      const target = path.join(runDir, file);
      await session.run(`COPY (${sql}) TO ${toSqlString(target)} (FORMAT parquet)`);
      const described = await session.query(`DESCRIBE SELECT * FROM read_parquet(${toSqlString(target)})`);
      const [{ n }] = (await session.queryJson(
        `SELECT count(*)::INTEGER AS n FROM read_parquet(${toSqlString(target)})`,
      )) as [{ n: number }];
      written.push({
        name,
        cellId: `cell-${name}`,
        file,
        rows: n,
        bytes: (await stat(target)).size,
        columns: described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
      });
    }
  } finally {
    session.close();
  }
  const manifest: NotebookRunManifest = {
    notebookId,
    runId,
    title: 'Permits week',
    status: 'succeeded',
    trigger: 'schedule',
    startedAt: '2026-12-05T07:00:00.000Z',
    finishedAt: '2026-12-05T07:00:12.400Z',
    durationMs: 12_400,
    parameters: { district: 'North' },
    versions: { permits: 41, parcels: 7 },
    outputs: written,
    error: null,
    delivery: [],
    ...overrides,
  };
  return { notebooksDir, manifest };
}
