// table_changes(…) in a scheduled notebook: the runner defines the change view from the change feed before the
// first cell, as the server path does, and records the range's last version and the table as an input.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable, merge } from '../../pipelines/delta/index';
import { createDuckDbSession, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { createRunFolders, type RunFolders } from '../../server/notebook-runs/run-folders';
import { runNotebook } from '../../server/notebook-runs/run-notebook';

let dir: string;
let lake: LakeContext;
let duckdb: DuckDbSession;
let folders: RunFolders;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-run-changes-'));
  duckdb = await createDuckDbSession({ threads: 1 });
  lake = { storage: openLakeStorage(path.join(dir, 'lake')), duckdb };
  await createTable(lake, 'tables/permits', {
    data: `SELECT i::BIGINT AS permit_id, i * 10 AS fee FROM range(0, 10) AS r(i)`,
    properties: { 'delta.enableDeletionVectors': 'true' },
  });
  await merge(lake, 'tables/permits', `SELECT 3::BIGINT AS permit_id, 999::BIGINT AS fee`, {
    keys: ['permit_id'],
  });
  folders = createRunFolders(path.join(dir, 'notebooks'));
});
after(async () => {
  duckdb.close();
  await rm(dir, { recursive: true, force: true });
});

test('a scheduled notebook reads table_changes from the change feed', async () => {
  const { manifest, inputs } = await runNotebook(
    { lake, folders, notebooksDir: path.join(dir, 'notebooks') },
    {
      notebook: {
        id: 'changes',
        title: 'Changes',
        parameters: [],
        cells: [
          {
            id: 'c1',
            kind: 'sql',
            name: 'changed',
            source: "SELECT _change_type, permit_id, fee FROM table_changes('permits', 1, 1) ORDER BY ALL",
          },
        ],
      },
      trigger: 'schedule',
      parameters: {},
    },
  );
  assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
  assert.deepEqual(manifest.versions, { 'permits@changes': 1 });
  assert.equal(inputs[0]?.version, 1);
  const file = await folders.outputPath('changes', manifest.runId, 'changed');
  assert.ok(file);
  assert.deepEqual(await duckdb.queryJson(`SELECT * FROM read_parquet('${file}') ORDER BY ALL`), [
    { _change_type: 'delete', permit_id: '3', fee: '30' },
    { _change_type: 'insert', permit_id: '3', fee: '999' },
  ]);
});
