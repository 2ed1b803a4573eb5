// `npm run notebooks`: lists owners and hands notebooks written before owners existed (admins only) to a user,
// who can then open them through the API's access rules; bad input changes nothing.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openNotebook } from '../../server/api/workbench/notebooks';
import { runNotebooksCli } from '../../server/cli/notebooks';
import { createNotebookStore } from '../../server/notebooks/notebook-store';
import { createVersionedNotebooks } from '../../server/notebooks/notebook-versions';
import { captureCli } from '../support/cli-output';

let dir: string;
const legacy = (title: string) => `-- Notebook: ${title}\n\n-- %% sql id=c1 name=result_1\nSELECT 1\n`;
const analyst = { username: 'ana', roles: ['analyst' as const] };

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'notebooks-cli-'));
  // Two notebooks from before owners existed, and one created with an owner.
  await writeFile(path.join(dir, 'permits-week-aaaaaa.sql'), legacy('Permits week'));
  await writeFile(path.join(dir, 'parcels-bbbbbb.sql'), legacy('Parcels'));
  const notebooks = createVersionedNotebooks(createNotebookStore(dir), dir);
  await notebooks.create({ id: 'owned-cccccc', title: 'Owned', parameters: [], cells: [] }, 'bob');
});
after(() => rm(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => captureCli((io) => runNotebooksCli(argv, io, dir));

test('list shows who owns each notebook', async () => {
  const { code, out } = await cli('list');
  assert.equal(code, 0);
  assert.match(out, /^permits-week-aaaaaa {2}nobody: admins only {2}Permits week$/m);
  assert.match(out, /^owned-cccccc {2}bob {2}Owned$/m);
});

test('assign --unowned hands every unowned notebook to a user, who can then open it; owned ones stay', async () => {
  const notebooks = createVersionedNotebooks(createNotebookStore(dir), dir);
  await assert.rejects(openNotebook(notebooks, analyst, 'parcels-bbbbbb'), { status: 404 });
  const { code, out } = await cli('assign', 'ana', '--unowned');
  assert.equal(code, 0, out);
  assert.match(out, /parcels-bbbbbb: owner nobody → ana/);
  assert.match(out, /permits-week-aaaaaa: owner nobody → ana/);
  assert.doesNotMatch(out, /owned-cccccc/);
  const opened = await openNotebook(notebooks, analyst, 'parcels-bbbbbb');
  assert.equal(opened.owner, 'ana');
  assert.equal((await notebooks.meta('owned-cccccc')).owner, 'bob');
});

test('bad input is refused and changes nothing', async () => {
  const notebooks = createVersionedNotebooks(createNotebookStore(dir), dir);
  const before = await notebooks.meta('owned-cccccc');
  for (const argv of [['assign', 'ana'], ['assign', 'ana', '--unowned', 'owned-cccccc'], ['remove']]) {
    assert.equal((await cli(...argv)).code, 2, argv.join(' '));
  }
  const badUser = await cli('assign', '../etc', 'owned-cccccc');
  assert.equal(badUser.code, 1);
  assert.match(badUser.err, /not a user name/);
  const missing = await cli('assign', 'ana', 'no-such-notebook');
  assert.equal(missing.code, 1);
  assert.deepEqual(await notebooks.meta('owned-cccccc'), before);
});
