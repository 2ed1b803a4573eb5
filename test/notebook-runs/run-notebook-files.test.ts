// Files saved with a notebook on the server path (issue 15): a scheduled run loads the saved CSV and Excel files as
// tables before its session is locked, joins them with a lake table and stores the joined rows with the types the
// browser gives them; the run's log says what it loaded; a saved file that cannot be read fails the run naming it;
// a saved file named like a lake table the cells read is refused; and the lock does not open the saved files to SQL.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTable } from '../../pipelines/delta/index';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { createRunFolders, type RunFolders } from '../../server/notebook-runs/run-folders';
import { runNotebook, type RunNotebookDeps } from '../../server/notebook-runs/run-notebook';
import { notebookFilePath, saveNotebookFile } from '../../server/notebooks/notebook-files';
import type { Notebook } from '../../server/notebooks/types';
import { writeXlsx } from '../../server/notebooks/xlsx';

let dir: string;
let notebooksDir: string;
let lake: LakeContext;
let duckdb: DuckDbSession;
let folders: RunFolders;

const text = (value: string) => new TextEncoder().encode(value);

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-run-files-'));
  notebooksDir = path.join(dir, 'notebooks');
  duckdb = await createDuckDbSession({ threads: 1 });
  lake = { storage: openLakeStorage(path.join(dir, 'lake')), duckdb };
  // Ward w holds permits i with i % 3 = w, fee i * 10: ward 0 → 1350, ward 1 → 1450, ward 2 → 1550.
  await createTable(lake, 'tables/permits', {
    data: `SELECT i::BIGINT AS permit_id, (i % 3)::BIGINT AS ward_code, i * 10 AS fee FROM range(0, 30) AS r(i)`,
  });
  await createTable(lake, 'tables/wards_lake', { data: `SELECT 1::BIGINT AS ward_code` });
  folders = createRunFolders(notebooksDir);
});
after(async () => {
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
});

const notebook = (id: string, source: string): Notebook => ({
  id,
  title: `Notebook ${id}`,
  parameters: [],
  cells: [{ id: 'c1', kind: 'sql', name: 'report', source }],
});

function deps(lines: string[] = []): RunNotebookDeps {
  return {
    lake,
    folders,
    notebooksDir,
    log: async (level, message) => {
      lines.push(`${level}: ${message}`);
    },
  };
}

describe('runNotebook with files saved in the notebook', () => {
  it('joins a saved CSV and a saved Excel sheet with a lake table, with the browser path types', async () => {
    await saveNotebookFile(notebooksDir, 'joined', {
      name: 'wards',
      format: 'csv',
      bytes: text('ward_code,ward_name,since\n0,North,2019-04-01\n1,South,2021-10-15\n'),
    });
    await saveNotebookFile(notebooksDir, 'joined', {
      name: 'fee_rates',
      format: 'xlsx',
      bytes: writeXlsx([
        {
          name: 'Rates',
          columns: [
            { name: 'ward_code', type: 'BIGINT' },
            { name: 'rate', type: 'DOUBLE' },
            { name: 'effective', type: 'DATE' },
            { name: 'reviewed', type: 'TIMESTAMP' },
            { name: 'active', type: 'BOOLEAN' },
            { name: 'note', type: 'VARCHAR' },
          ],
          rows: [
            [0n, 0.5, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2, 9, 30), true, 'reduced'],
            [1n, 1.25, Date.UTC(2026, 1, 1), Date.UTC(2026, 1, 3, 14, 0, 15), false, null],
            [2n, 2, Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 4), true, 'not in wards.csv'],
          ],
        },
      ]),
    });
    const lines: string[] = [];
    const { manifest } = await runNotebook(deps(lines), {
      notebook: notebook(
        'joined',
        `SELECT p.ward_code, w.ward_name, w.since, r.rate, sum(p.fee) * r.rate AS due,
                r.effective, r.reviewed, r.active, r.note
           FROM permits p
           JOIN wards w ON w.ward_code = p.ward_code
           JOIN fee_rates r ON r.ward_code = p.ward_code
          GROUP BY p.ward_code, w.ward_name, w.since, r.rate, r.effective, r.reviewed, r.active, r.note`,
      ),
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
    assert.ok(lines.includes('info: loaded uploaded table wards (csv, 2 rows)'), lines.join('\n'));
    assert.ok(lines.includes('info: loaded uploaded table fee_rates (xlsx, 3 rows)'), lines.join('\n'));
    // The types DuckDB-WASM gives: read_csv_auto's for the CSV, the Arrow columns' of upload-table.ts for Excel.
    assert.deepEqual(
      manifest.outputs[0]?.columns.map((c) => `${c.name} ${c.type}`),
      [
        'ward_code BIGINT',
        'ward_name VARCHAR',
        'since DATE',
        'rate DOUBLE',
        'due DOUBLE',
        'effective DATE',
        'reviewed TIMESTAMP_MS',
        'active BOOLEAN',
        'note VARCHAR',
      ],
    );
    const file = await folders.outputPath('joined', manifest.runId, 'report');
    assert.ok(file);
    const rows = await duckdb.queryJson(
      `SELECT ward_code, ward_name, since::VARCHAR AS since, rate, due, effective::VARCHAR AS effective,
              reviewed::VARCHAR AS reviewed, active, note
         FROM read_parquet('${file}') ORDER BY ward_code`,
    );
    assert.deepEqual(rows, [
      {
        ward_code: '0',
        ward_name: 'North',
        since: '2019-04-01',
        rate: 0.5,
        due: 675,
        effective: '2026-01-01',
        reviewed: '2026-01-02 09:30:00',
        active: true,
        note: 'reduced',
      },
      {
        ward_code: '1',
        ward_name: 'South',
        since: '2021-10-15',
        rate: 1.25,
        due: 1812.5,
        effective: '2026-02-01',
        reviewed: '2026-02-03 14:00:15',
        active: false,
        note: null,
      },
    ]);
  });

  it('fails the run with a message naming a saved file that cannot be read', async () => {
    // Parquet's magic at both ends passes the upload's check; what lies between is no Parquet.
    await saveNotebookFile(notebooksDir, 'broken', {
      name: 'parcels',
      format: 'parquet',
      bytes: text('PAR1 these bytes are not a Parquet file PAR1'),
    });
    const { manifest } = await runNotebook(deps(), {
      notebook: notebook('broken', 'SELECT count(*) AS n FROM permits'),
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(manifest.status, 'failed');
    assert.match(manifest.error ?? '', /table "parcels" \(parcels\.parquet\) could not be read: /);
    assert.deepEqual(manifest.outputs, []);
  });

  it('refuses a saved file named like a lake table a cell reads, instead of picking one', async () => {
    await saveNotebookFile(notebooksDir, 'clash', {
      name: 'wards_lake',
      format: 'csv',
      bytes: text('ward_code\n7\n'),
    });
    const { manifest } = await runNotebook(deps(), {
      notebook: notebook('clash', 'SELECT * FROM wards_lake'),
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(manifest.status, 'failed');
    assert.match(manifest.error ?? '', /wards_lake, which is both a lake table and a file saved/);
  });

  it('loads the saved files before the lock, which keeps them closed to the cells', async () => {
    await saveNotebookFile(notebooksDir, 'locked', {
      name: 'codes',
      format: 'csv',
      bytes: text('code\nA\nB\n'),
    });
    const source = notebookFilePath(notebooksDir, 'locked', { name: 'codes', format: 'csv' });
    const ok = await runNotebook(deps(), {
      notebook: notebook('locked', 'SELECT count(*) AS n FROM codes'),
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(ok.manifest.status, 'succeeded', ok.manifest.error ?? '');
    const { manifest } = await runNotebook(deps(), {
      notebook: notebook('locked', `SELECT * FROM read_csv_auto('${source}')`),
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(manifest.status, 'failed');
    assert.match(manifest.error ?? '', /Permission Error|not allowed|Cannot access/i);
  });
});
