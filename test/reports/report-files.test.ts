// Files frozen with a published report (server/reports/report-files.ts): publishing copies the notebook's saved
// files into a folder of its own that the record names; later changes to the notebook's files do not reach the
// report until it is published again, which replaces the set whole; a failed publish keeps the old set;
// unpublishing removes them; a report written before files were frozen reads as having none; a file's name wins
// over a lake table of the same name in the report's reads. Real files on disk, real DuckDB for the lake.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTable } from '../../pipelines/delta/index';
import { getLakeContext } from '../../server/api/workbench/lake-context';
import { createNotebook, getNotebooks } from '../../server/api/workbench/notebooks';
import type { SessionUser } from '../../server/auth/permissions';
import { deleteNotebookFile, saveNotebookFile } from '../../server/notebooks/notebook-files';
import { writeXlsx } from '../../server/notebooks/xlsx';
import {
  getReportDeps,
  openReport,
  publishReport,
  readReportFile,
  unpublishReport,
} from '../../server/reports/reports';

const saved = { ...process.env };
let dir: string;
let notebooksDir: string;
const owner: SessionUser = { username: 'owner', roles: ['analyst'] };
const reader: SessionUser = { username: 'reader', roles: ['frontend'] };
const SQL = 'SELECT c.label, count(*) AS n FROM codes AS c JOIN permits AS p ON p.code = c.code GROUP BY ALL';
const csv = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const reportFolders = (id: string) =>
  readdir(path.join(notebooksDir, '.meta', 'report-files', id)).catch(() => null);

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-files-'));
  notebooksDir = path.join(dir, 'notebooks');
  process.env.NOTEBOOKS_DIR = notebooksDir;
  process.env.LAKE_ROOT = path.join(dir, 'lake');
  const context = await getLakeContext();
  await createTable(context, 'tables/permits', {
    data: `SELECT (i % 2)::BIGINT AS code FROM range(0, 5) r(i)`,
  });
});
after(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

const newNotebook = async (title: string, sql = SQL) =>
  (
    await createNotebook(getNotebooks(), owner, {
      title,
      parameters: [],
      cells: [{ id: 'c1', kind: 'sql', name: 'by_label', runOn: 'browser', source: sql }],
    })
  ).id;

test('publishing freezes the saved files; the report keeps them until published again', async () => {
  const id = await newNotebook('Codes');
  const deps = getReportDeps();
  const sheet = writeXlsx([{ name: 's', columns: [{ name: 'a', type: 'INTEGER' }], rows: [[1], [2]] }]);
  await saveNotebookFile(notebooksDir, id, {
    name: 'codes',
    format: 'csv',
    bytes: csv('code,label\n0,even\n1,odd\n'),
  });
  await saveNotebookFile(notebooksDir, id, { name: 'extra', format: 'xlsx', bytes: sheet });
  await publishReport(deps, owner, id, { roles: ['frontend'], pin: { kind: 'latest' } });

  const view = await openReport(deps, reader, id);
  assert.deepEqual(view.files, [
    { name: 'codes', format: 'csv', size: 'code,label\n0,even\n1,odd\n'.length },
    { name: 'extra', format: 'xlsx', size: sheet.byteLength },
  ]);
  // `codes` is a file, so the report reads the lake's permits only.
  assert.deepEqual(view.tables, ['permits']);
  assert.equal(text((await readReportFile(deps, reader, id, 'codes')).bytes), 'code,label\n0,even\n1,odd\n');
  assert.deepEqual((await readReportFile(deps, reader, id, 'extra')).bytes, sheet);
  const [first, ...others] = (await reportFolders(id)) ?? [];
  assert.ok(first && others.length === 0, 'one folder per publication');

  // The notebook's files change: the report does not.
  await saveNotebookFile(notebooksDir, id, {
    name: 'codes',
    format: 'csv',
    bytes: csv('code,label\n0,EVEN\n'),
  });
  await deleteNotebookFile(notebooksDir, id, 'extra');
  assert.equal(text((await readReportFile(deps, reader, id, 'codes')).bytes), 'code,label\n0,even\n1,odd\n');
  assert.deepEqual(
    (await openReport(deps, reader, id)).files.map((f) => f.name),
    ['codes', 'extra'],
  );

  // A publish that fails (a pin on a table the report does not read) leaves the published set as it was.
  await assert.rejects(
    publishReport(deps, owner, id, {
      roles: ['frontend'],
      pin: { kind: 'versions', versions: { codes: 0 } },
    }),
    /does not read codes/,
  );
  assert.deepEqual(await reportFolders(id), [first]);
  assert.deepEqual((await readReportFile(deps, reader, id, 'extra')).bytes, sheet);

  // Published again: the new set replaces the old one whole.
  await publishReport(deps, owner, id, { roles: ['frontend'], pin: { kind: 'latest' } });
  assert.equal(text((await readReportFile(deps, reader, id, 'codes')).bytes), 'code,label\n0,EVEN\n');
  await assert.rejects(readReportFile(deps, reader, id, 'extra'), { code: 'NOT_FOUND' });
  const folders = (await reportFolders(id)) ?? [];
  assert.equal(folders.length, 1);
  assert.notEqual(folders[0], first);

  // Only its readers get the files.
  await assert.rejects(readReportFile(deps, { username: 'x', roles: ['analyst'] }, id, 'codes'), {
    code: 'NOT_FOUND',
  });

  // Unpublished: record and files gone.
  await unpublishReport(deps, owner, id);
  assert.equal(await reportFolders(id), null);
  await assert.rejects(readReportFile(deps, reader, id, 'codes'), { code: 'NOT_FOUND' });
});

test('a notebook without saved files publishes with none, and makes no folder', async () => {
  const id = await newNotebook('No files', 'SELECT count(*) FROM permits');
  const deps = getReportDeps();
  await publishReport(deps, owner, id, { roles: ['frontend'], pin: { kind: 'latest' } });
  assert.deepEqual((await openReport(deps, reader, id)).files, []);
  assert.equal(await reportFolders(id), null);
});

test('a report written before files were frozen reads as having none', async () => {
  const id = await newNotebook('Old report', 'SELECT count(*) FROM permits');
  const deps = getReportDeps();
  await publishReport(deps, owner, id, { roles: ['frontend'], pin: { kind: 'latest' } });
  const file = path.join(notebooksDir, '.meta', 'reports', `${id}.json`);
  const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  delete record.files;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(record));
  const view = await openReport(deps, reader, id);
  assert.deepEqual(view.files, []);
  assert.deepEqual(view.tables, ['permits']);
  await assert.rejects(readReportFile(deps, reader, id, 'codes'), { code: 'NOT_FOUND' });
});

test('a lake table created later under a file’s name does not take the file’s place in the report', async () => {
  const id = await newNotebook('Shadowed', 'SELECT * FROM zones');
  await saveNotebookFile(notebooksDir, id, { name: 'zones', format: 'csv', bytes: csv('zone\nA\n') });
  await createTable(await getLakeContext(), 'tables/zones', { data: `SELECT 'lake' AS zone` });
  const deps = getReportDeps();
  // Pinning the lake's zones is refused: the report does not read it.
  await assert.rejects(
    publishReport(deps, owner, id, {
      roles: ['frontend'],
      pin: { kind: 'versions', versions: { zones: 0 } },
    }),
    /does not read zones/,
  );
  await publishReport(deps, owner, id, { roles: ['frontend'], pin: { kind: 'latest' } });
  const view = await openReport(deps, reader, id);
  assert.deepEqual(view.tables, []);
  assert.deepEqual(view.reads, []);
  assert.deepEqual(
    view.files.map((f) => f.name),
    ['zones'],
  );
});
