// Files saved with a notebook (server/notebooks/notebook-files.ts and its routes): who may read and change them (a
// stranger learns nothing, a reader cannot change), the stated limits (25 MB a file, 100 MB a notebook) with
// messages saying what to do, content checks per format, names confined to table names, atomic replacement.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as fileRoute from '../../app/api/notebooks/[id]/files/[name]/route';
import * as filesRoute from '../../app/api/notebooks/[id]/files/route';
import { createNotebook, getNotebooks } from '../../server/api/workbench/notebooks';
import type { Role } from '../../server/auth/permissions';
import {
  listNotebookFiles,
  MAX_NOTEBOOK_FILE_BYTES,
  readNotebookFile,
  saveNotebookFile,
} from '../../server/notebooks/notebook-files';
import { writeXlsx } from '../../server/notebooks/xlsx';
import { BASE_URL, signInEveryRole } from '../api/role-sessions';
import { CSRF_HEADERS } from '../support/auth';

const saved = { ...process.env };
let dir: string;
let notebooksDir: string;
let cookies: Record<Role, string>;
let notebookId = '';
// Owned by carla: the signed-in analyst ("analyst") is a stranger to it until it is shared.
const carla = { username: 'carla', roles: ['analyst' as const] };

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-files-'));
  cookies = await signInEveryRole(dir);
  notebooksDir = path.join(dir, 'notebooks');
  process.env.NOTEBOOKS_DIR = notebooksDir;
  notebookId = (await createNotebook(getNotebooks(), carla, { title: 'Carla only', parameters: [] })).id;
  await saveNotebookFile(notebooksDir, notebookId, {
    name: 'codes',
    format: 'csv',
    bytes: new TextEncoder().encode('code,label\n1,one\n'),
  });
});
after(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

const headers = (role: Role) => ({ ...CSRF_HEADERS, cookie: cookies[role] });
const ctx = (name: string, id = notebookId) => ({ params: Promise.resolve({ id, name }) });

function list(role: Role) {
  return filesRoute.GET(
    new Request(`${BASE_URL}/api/notebooks/${notebookId}/files`, { headers: headers(role) }),
    { params: Promise.resolve({ id: notebookId }) },
  );
}
function get(role: Role, name: string) {
  return fileRoute.GET(
    new Request(`${BASE_URL}/api/notebooks/${notebookId}/files/${name}`, { headers: headers(role) }),
    ctx(name),
  );
}
function put(role: Role, name: string, format: string, body: BodyInit) {
  return fileRoute.PUT(
    new Request(`${BASE_URL}/api/notebooks/${notebookId}/files/${name}?format=${format}`, {
      method: 'PUT',
      headers: headers(role),
      body,
    }),
    ctx(name),
  );
}
function remove(role: Role, name: string) {
  return fileRoute.DELETE(
    new Request(`${BASE_URL}/api/notebooks/${notebookId}/files/${name}`, {
      method: 'DELETE',
      headers: headers(role),
    }),
    ctx(name),
  );
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

async function share(access: 'read' | 'edit' | null) {
  await getNotebooks().setSharing(
    notebookId,
    { owner: undefined, shares: access ? [{ user: 'analyst', access }] : [] },
    () => {},
  );
}

test('a stranger cannot list, read, save or remove the files: the notebook does not exist for them', async () => {
  await share(null);
  for (const res of [
    await list('analyst'),
    await get('analyst', 'codes'),
    await put('analyst', 'codes', 'csv', 'a\n1\n'),
    await remove('analyst', 'codes'),
  ]) {
    const error = await errorOf(res);
    assert.equal(error.status, 404, error.message);
    assert.equal(error.code, 'NOT_FOUND');
    assert.doesNotMatch(error.message, /codes/);
  }
  assert.equal(
    new TextDecoder().decode((await readNotebookFile(notebooksDir, notebookId, 'codes')).bytes),
    'code,label\n1,one\n',
  );
  // The front-end team has no workbench at all.
  assert.equal((await list('frontend')).status, 403);
});

test('a reader lists and downloads them but cannot change them; an admin can', async () => {
  await share('read');
  const listed = (await (await list('analyst')).json()) as {
    files: { name: string; format: string }[];
    limits: { fileBytes: number };
  };
  assert.deepEqual(
    listed.files.map((f) => [f.name, f.format]),
    [['codes', 'csv']],
  );
  assert.equal(listed.limits.fileBytes, 25 * 1024 * 1024);
  const one = await get('analyst', 'codes');
  assert.equal(one.headers.get('content-type'), 'text/csv');
  assert.equal(await one.text(), 'code,label\n1,one\n');
  assert.equal((await errorOf(await put('analyst', 'codes', 'csv', 'a\n'))).status, 403);
  assert.equal((await errorOf(await remove('analyst', 'codes'))).status, 403);
  assert.equal((await put('admin', 'extra', 'csv', 'a\n1\n')).status, 200);
  assert.equal((await remove('admin', 'extra')).status, 204);
  assert.equal((await errorOf(await get('admin', 'extra'))).status, 404);
});

test('an editor saves CSV, Excel and Parquet; the same name in another format replaces the file', async () => {
  await share('edit');
  const xlsx = writeXlsx([{ name: 's', columns: [{ name: 'a', type: 'INTEGER' }], rows: [[1]] }]);
  const saved = (await (await put('analyst', 'sheet', 'xlsx', xlsx as BodyInit)).json()) as {
    size: number;
    format: string;
  };
  assert.deepEqual([saved.format, saved.size], ['xlsx', xlsx.byteLength]);
  assert.deepEqual(new Uint8Array(await (await get('analyst', 'sheet')).arrayBuffer()), xlsx);
  const parquet = new Uint8Array([
    ...new TextEncoder().encode('PAR1'),
    1,
    2,
    3,
    4,
    ...new TextEncoder().encode('PAR1'),
  ]);
  assert.equal((await put('analyst', 'sheet', 'parquet', parquet)).status, 200);
  const files = await listNotebookFiles(notebooksDir, notebookId);
  assert.deepEqual(
    files.map((f) => `${f.name}.${f.format}`),
    ['codes.csv', 'sheet.parquet'],
  );
  // Written through a temp file and a rename: nothing half-written is left beside them.
  const onDisk = await readdir(path.join(notebooksDir, '.meta', 'files', notebookId));
  assert.deepEqual(onDisk.sort(), ['codes.csv', 'sheet.parquet']);
  assert.equal((await remove('analyst', 'sheet')).status, 204);
});

test('bad names, formats and contents are refused with a message, and nothing is written', async () => {
  await share('edit');
  const cases: [string, string, BodyInit, RegExp][] = [
    ['Bad-Name', 'csv', 'a\n1\n', /cannot name a table/],
    ['..', 'csv', 'a\n1\n', /cannot name a table/],
    ['ok_name', 'xls', 'a\n1\n', /format must be csv, xlsx or parquet/],
    ['ok_name', 'parquet', 'not parquet at all', /start and end with PAR1/],
    ['ok_name', 'xlsx', 'id,name\n1,a\n', /zip archive/],
    ['ok_name', 'csv', new Uint8Array([0x61, 0x00, 0x62]), /binary data/],
    ['ok_name', 'csv', new Uint8Array([0x61, 0xff, 0xfe, 0x0a]), /not UTF-8/],
    ['ok_name', 'csv', '', /empty/],
  ];
  for (const [name, format, body, message] of cases) {
    const error = await errorOf(await put('analyst', name, format, body));
    assert.equal(error.status, 400, `${name} ${format}: ${error.message}`);
    assert.match(error.message, message);
  }
  assert.deepEqual(
    (await listNotebookFiles(notebooksDir, notebookId)).map((f) => f.name),
    ['codes'],
  );
});

test('limits: a file over 25 MB and a notebook over 100 MB are refused, saying what to do', async () => {
  await share('edit');
  const big = new Uint8Array(MAX_NOTEBOOK_FILE_BYTES + 1).fill(0x61);
  const tooBig = await errorOf(await put('analyst', 'big', 'csv', big));
  assert.equal(tooBig.status, 413);
  assert.match(tooBig.message, /at most 25 MB.*browser only/);
  // Four files of 24 MB fit (96 MB with the small one); a fifth would pass 100 MB.
  const chunk = new Uint8Array(24 * 1024 * 1024).fill(0x61);
  for (const name of ['p1', 'p2', 'p3', 'p4'])
    assert.equal((await put('analyst', name, 'csv', chunk)).status, 200);
  const full = await errorOf(await put('analyst', 'p5', 'csv', chunk));
  assert.equal(full.status, 413);
  assert.match(full.message, /at most 100 MB are kept per notebook/);
  // Replacing a file counts its new size, not both.
  assert.equal((await put('analyst', 'p4', 'csv', chunk)).status, 200);
  assert.deepEqual(
    (await listNotebookFiles(notebooksDir, notebookId)).map((f) => f.name),
    ['codes', 'p1', 'p2', 'p3', 'p4'],
  );
  for (const name of ['p1', 'p2', 'p3', 'p4']) await remove('analyst', name);
});
