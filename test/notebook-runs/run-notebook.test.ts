// The scheduled-notebook runner over a real lake and native DuckDB: outputs hold the cells' rows (a later cell
// selects an earlier one by name), the versions are pinned before the first cell even when a commit lands mid-run,
// a write is refused, the time limit and the size cap fail the run with a message saying so, only the last 30 runs
// are kept, and a failed run leaves no outputs and no temp folder behind.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { append, createTable } from '../../pipelines/delta/index';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import {
  createRunFolders,
  KEPT_RUNS,
  newRunId,
  type RunFolders,
} from '../../server/notebook-runs/run-folders';
import { runNotebook, type RunNotebookDeps } from '../../server/notebook-runs/run-notebook';
import type { Notebook, NotebookCell } from '../../server/notebooks/types';

let dir: string;
let lake: LakeContext;
let duckdb: DuckDbSession;
let folders: RunFolders;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-runs-'));
  duckdb = await createDuckDbSession({ threads: 1 });
  lake = { storage: openLakeStorage(path.join(dir, 'lake')), duckdb };
  await createTable(lake, 'tables/permits', {
    data: `SELECT i::BIGINT AS permit_id, 'ward ' || (i % 3) AS ward, i * 10 AS fee FROM range(0, 30) AS r(i)`,
  });
  folders = createRunFolders(path.join(dir, 'notebooks'));
});
after(async () => {
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
});

const sql = (id: string, source: string, name?: string): NotebookCell => ({
  id,
  kind: 'sql',
  source,
  ...(name ? { name } : {}),
});

function notebook(id: string, cells: NotebookCell[], parameters: Record<string, string> = {}): Notebook {
  const defs = Object.entries(parameters).map(([name, value]) => ({
    name,
    type: 'text' as const,
    default: value,
  }));
  return { id, title: `Notebook ${id}`, parameters: defs, cells };
}

const deps = (extra: Partial<RunNotebookDeps> = {}): RunNotebookDeps => ({
  lake,
  folders,
  notebooksDir: path.join(dir, 'notebooks'),
  ...extra,
});

async function readOutput(
  notebookId: string,
  runId: string,
  name: string,
): Promise<Record<string, unknown>[]> {
  const file = await folders.outputPath(notebookId, runId, name);
  assert.ok(file, `output ${name} of ${runId}`);
  return duckdb.queryJson(`SELECT * FROM read_parquet('${file}') ORDER BY ALL`);
}

describe('runNotebook', () => {
  it('writes each named result as Parquet, later cells selecting earlier ones by name, with a manifest', async () => {
    const nb = notebook(
      'fees',
      [
        sql(
          'c1',
          `SELECT ward, sum(fee) AS fees FROM permits WHERE ward <> {{skip}} GROUP BY ward`,
          'by_ward',
        ),
        { id: 'm1', kind: 'markdown', source: '# Notes' },
        sql('c2', 'SELECT count(*) AS wards, sum(fees) AS total FROM by_ward', 'totals'),
      ],
      { skip: 'ward 9' },
    );
    const { manifest, inputs } = await runNotebook(deps(), {
      notebook: nb,
      trigger: 'schedule',
      parameters: { skip: 'ward 2' },
    });
    assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
    assert.deepEqual(manifest.versions, { permits: 0 });
    assert.deepEqual(
      manifest.outputs.map((o) => [o.name, o.rows, o.file]),
      [
        ['by_ward', 2, 'by_ward.parquet'],
        ['totals', 1, 'totals.parquet'],
      ],
    );
    assert.deepEqual(
      manifest.outputs[1]?.columns.map((c) => c.name),
      ['wards', 'total'],
    );
    assert.deepEqual(await readOutput('fees', manifest.runId, 'by_ward'), [
      { ward: 'ward 0', fees: 1350 },
      { ward: 'ward 1', fees: 1450 },
    ]);
    assert.deepEqual(await readOutput('fees', manifest.runId, 'totals'), [{ wards: '2', total: 2800 }]);
    assert.equal(inputs.length, 1);
    assert.equal(inputs[0]?.version, 0);
    assert.match(inputs[0]?.name ?? '', /tables\/permits$/);
    const stored = await folders.readRun('fees', manifest.runId);
    assert.deepEqual(stored, manifest);
  });

  it('reads the versions pinned before the first cell even when a commit lands mid-run', async () => {
    const nb = notebook('pinned', [
      sql('c1', 'SELECT count(*) AS n FROM permits', 'first'),
      sql('c2', 'SELECT count(*) AS n FROM permits', 'second'),
    ]);
    const { manifest } = await runNotebook(
      deps({
        beforeCell: async (index) => {
          if (index === 1)
            await append(
              lake,
              'tables/permits',
              `SELECT 1000::BIGINT AS permit_id, 'ward 0' AS ward, 5::BIGINT AS fee`,
            );
        },
      }),
      { notebook: nb, trigger: { user: 'analyst' }, parameters: {} },
    );
    assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
    assert.deepEqual(manifest.versions, { permits: 0 });
    assert.deepEqual(await readOutput('pinned', manifest.runId, 'second'), [{ n: '30' }]);
    // The next run sees the commit.
    const next = await runNotebook(deps(), { notebook: nb, trigger: 'schedule', parameters: {} });
    assert.deepEqual(next.manifest.versions, { permits: 1 });
    assert.deepEqual(await readOutput('pinned', next.manifest.runId, 'second'), [{ n: '31' }]);
  });

  it('time travel in a cell reads that version', async () => {
    const nb = notebook('travel', [sql('c1', 'SELECT count(*) AS n FROM permits VERSION AS OF 0', 'old')]);
    const { manifest } = await runNotebook(deps(), { notebook: nb, trigger: 'schedule', parameters: {} });
    assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
    assert.deepEqual(manifest.versions, { 'permits@0': 0 });
    assert.deepEqual(await readOutput('travel', manifest.runId, 'old'), [{ n: '30' }]);
  });

  it('refuses a write and reading another file; the failed run keeps no outputs and no temp folder', async () => {
    const outside = path.join(dir, 'stolen.csv');
    for (const [id, source, pattern] of [
      ['write-copy', `COPY (SELECT 1) TO '${outside}'`, /runs only queries/],
      ['write-create', 'CREATE TABLE x AS SELECT 1', /runs only queries/],
      [
        'read-other',
        `SELECT * FROM read_csv('${path.join(dir, 'notebooks', '.meta')}/*')`,
        /Permission|not one of them|Cannot access/,
      ],
    ] as const) {
      const nb = notebook(id, [sql('c1', 'SELECT 1 AS ok', 'fine'), sql('c2', source, 'bad')]);
      const { manifest } = await runNotebook(deps(), { notebook: nb, trigger: 'schedule', parameters: {} });
      assert.equal(manifest.status, 'failed', id);
      assert.match(manifest.error ?? '', /cell "bad" \(2 of 2\) failed/);
      assert.match(manifest.error ?? '', pattern);
      assert.deepEqual(manifest.outputs, []);
      const runDir = path.join(dir, 'notebooks', '.meta', 'runs', id);
      assert.deepEqual(await readdir(runDir), [manifest.runId]);
      assert.deepEqual(await readdir(path.join(runDir, manifest.runId)), ['manifest.json']);
    }
    await assert.rejects(readdir(outside), /ENOENT/);
  });

  it('fails a run past its time limit with a message saying so', async () => {
    const nb = notebook('slow', [
      sql('c1', 'SELECT sum(i) AS s FROM range(0, 1000000000000) AS r(i)', 'forever'),
    ]);
    const { manifest } = await runNotebook(deps({ limits: { timeoutMs: 300 } }), {
      notebook: nb,
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(manifest.status, 'failed');
    assert.match(manifest.error ?? '', /passed its time limit of 0 s/);
    assert.deepEqual(manifest.outputs, []);
  });

  it('fails a run whose outputs pass the size cap', async () => {
    const nb = notebook('big', [
      sql('c1', 'SELECT 1 AS small', 'small'),
      sql('c2', `SELECT i, md5(i::VARCHAR) AS h FROM range(0, 200000) AS r(i)`, 'large'),
    ]);
    const { manifest } = await runNotebook(deps({ limits: { maxResultBytes: 64 * 1024 } }), {
      notebook: nb,
      trigger: 'schedule',
      parameters: {},
    });
    assert.equal(manifest.status, 'failed');
    assert.match(manifest.error ?? '', /size cap of 64\.0 KB at cell "large" \(2 of 2\)/);
    assert.deepEqual(manifest.outputs, []);
  });

  it(`keeps the last ${KEPT_RUNS} runs`, async () => {
    const nb = notebook('many', [sql('c1', 'SELECT 1 AS one', 'one')]);
    // A dead worker's temp folder from long ago goes; one of a run still going (started now) stays.
    const manyDir = path.join(dir, 'notebooks', '.meta', 'runs', 'many');
    const stale = path.join(manyDir, '.tmp-20200101T000000000Z-abcdef');
    const live = path.join(manyDir, `.tmp-${newRunId(new Date())}`);
    await mkdir(stale, { recursive: true });
    await mkdir(live, { recursive: true });
    const ids: string[] = [];
    let clock = Date.parse('2026-12-01T00:00:00Z');
    for (let i = 0; i < KEPT_RUNS + 3; i += 1) {
      const { manifest } = await runNotebook(deps({ now: () => new Date((clock += 1000)) }), {
        notebook: nb,
        trigger: 'schedule',
        parameters: {},
      });
      ids.push(manifest.runId);
    }
    const listed = await folders.listRuns('many');
    assert.equal(listed.length, KEPT_RUNS);
    assert.deepEqual(
      listed.map((m) => m.runId),
      ids.slice(3).reverse(),
    );
    assert.equal(await folders.readRun('many', ids[0] as string), null);
    const left = await readdir(manyDir);
    assert.ok(!left.includes(path.basename(stale)), 'the stale temp folder is removed');
    assert.ok(left.includes(path.basename(live)), 'a running run keeps its temp folder');
  });
});
