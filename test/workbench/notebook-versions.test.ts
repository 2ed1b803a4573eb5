// The versioned notebook store and the commands over it, on a temp folder: saves based on an older version are
// refused (409), concurrent saves from one base let exactly one through, a deleted notebook stays deleted (a
// tombstone), history keeps the last 50 saves and restores one as a new save, legacy notebooks are admins' only,
// and the commands answer strangers 404 and readers 403.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  createNotebook,
  deleteNotebook,
  listNotebooks,
  openNotebook,
  saveNotebook,
} from '../../server/api/workbench/notebooks';
import { listVersions, restoreVersion, setSharing } from '../../server/api/workbench/notebook-sharing';
import type { WorkbenchError } from '../../server/api/workbench/workbench-error';
import type { SessionUser } from '../../server/auth/permissions';
import { createNotebookStore } from '../../server/notebooks/notebook-store';
import { createVersionedNotebooks, type VersionedNotebooks } from '../../server/notebooks/notebook-versions';

const ana: SessionUser = { username: 'ana', roles: ['analyst'] };
const bea: SessionUser = { username: 'bea', roles: ['analyst'] };
const ada: SessionUser = { username: 'ada', roles: ['admin'] };
let dir: string;
let notebooks: VersionedNotebooks;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-versions-'));
  notebooks = createVersionedNotebooks(createNotebookStore(dir), dir);
});
after(() => rm(dir, { recursive: true, force: true }));

const cells = (source: string) => [
  { id: 'c1', kind: 'sql' as const, name: 'r', runOn: 'browser' as const, source },
];
const body = (source: string, baseVersion: number) => ({
  title: 'T',
  parameters: [],
  cells: cells(source),
  baseVersion,
});

/** The workbench code a call fails with. */
async function reasonOf(
  work: Promise<unknown>,
): Promise<{ reason: string; status: number; details?: object }> {
  const error = (await work.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  )) as WorkbenchError;
  return { reason: error.reason, status: error.status, details: error.details };
}

test('a save based on the current version goes through; one based on an older version gets 409', async () => {
  const created = await createNotebook(notebooks, ana, { title: 'T', parameters: [] });
  assert.equal(created.version, 1);
  assert.equal(created.owner, 'ana');
  const first = await saveNotebook(notebooks, ana, created.id, body('SELECT 1', 1));
  assert.equal(first.version, 2);
  const stale = await reasonOf(saveNotebook(notebooks, ana, created.id, body('SELECT 2', 1)));
  assert.deepEqual(stale, {
    reason: 'NOTEBOOK_CONFLICT',
    status: 409,
    details: { reason: 'NOTEBOOK_CONFLICT', currentVersion: 2, baseVersion: 1 },
  });
  assert.equal((await openNotebook(notebooks, ana, created.id)).cells[0]?.source, 'SELECT 1');
});

test('two concurrent saves from the same base: exactly one wins, the other gets 409', async () => {
  const { id } = await createNotebook(notebooks, ana, { title: 'T', parameters: [] });
  const results = await Promise.allSettled(
    ['SELECT 10', 'SELECT 20', 'SELECT 30'].map((sql) => saveNotebook(notebooks, ana, id, body(sql, 1))),
  );
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1);
  for (const r of results.filter((r) => r.status === 'rejected')) {
    assert.equal((r.reason as WorkbenchError).reason, 'NOTEBOOK_CONFLICT');
  }
  assert.equal((await notebooks.meta(id)).version, 2);
});

test('a deleted notebook cannot come back through a save; its id is never reused', async () => {
  const { id } = await createNotebook(notebooks, ana, { title: 'Gone', parameters: [] });
  await deleteNotebook(notebooks, ana, id);
  const refused = await reasonOf(saveNotebook(notebooks, ana, id, body('SELECT 1', 1)));
  assert.equal(refused.reason, 'NOTEBOOK_DELETED');
  assert.equal(refused.status, 409);
  assert.equal((await reasonOf(openNotebook(notebooks, ana, id))).reason, 'NOTEBOOK_NOT_FOUND');
  assert.ok(!(await readdir(dir)).includes(`${id}.sql`));
  // A stranger is not told that it existed.
  assert.equal((await reasonOf(saveNotebook(notebooks, bea, id, body('x', 1)))).reason, 'NOTEBOOK_NOT_FOUND');
  await assert.rejects(
    notebooks.create({ id, title: 'again', parameters: [], cells: [] }, 'bea'),
    /is taken/,
  );
});

test('history keeps the last 50 saves (version, time, user) and restores one as a new save', async () => {
  const { id } = await createNotebook(notebooks, ana, { title: 'T', parameters: [] });
  await setSharing(notebooks, ana, id, { shares: [{ user: 'bea', access: 'edit' }] });
  for (let n = 1; n <= 54; n += 1) {
    await saveNotebook(notebooks, n % 2 ? ana : bea, id, body(`SELECT ${n}`, n));
  }
  const versions = await listVersions(notebooks, ana, id);
  assert.equal(versions.length, 50);
  assert.deepEqual([versions[0]?.version, versions.at(-1)?.version], [55, 6]);
  assert.equal(versions[0]?.user, 'bea');
  assert.equal(versions[1]?.user, 'ana');
  assert.ok(versions.every((v) => typeof v.at === 'number' && v.at > 0));
  // The dropped versions' copies are gone too.
  assert.equal((await readdir(path.join(dir, '.meta', 'versions', id))).length, 50);
  const restored = await restoreVersion(notebooks, bea, id, 10);
  assert.equal(restored.version, 56);
  assert.equal(restored.cells[0]?.source, 'SELECT 9');
  assert.equal((await listVersions(notebooks, ana, id))[0]?.user, 'bea');
  assert.equal((await reasonOf(restoreVersion(notebooks, ana, id, 3))).reason, 'NOTEBOOK_VERSION_NOT_FOUND');
});

test('strangers get 404 on every command; readers read but get 403 on changes; editors save', async () => {
  const { id } = await createNotebook(notebooks, ana, { title: 'Private', parameters: [] });
  for (const work of [
    () => openNotebook(notebooks, bea, id),
    () => saveNotebook(notebooks, bea, id, body('x', 1)),
    () => deleteNotebook(notebooks, bea, id),
    () => listVersions(notebooks, bea, id),
    () => setSharing(notebooks, bea, id, { shares: [] }),
  ]) {
    assert.equal((await reasonOf(work())).reason, 'NOTEBOOK_NOT_FOUND');
  }
  assert.ok(!(await listNotebooks(notebooks, bea)).some((n) => n.id === id));
  await setSharing(notebooks, ana, id, { shares: [{ user: 'bea', access: 'read' }] });
  assert.equal((await openNotebook(notebooks, bea, id)).access, 'read');
  assert.ok((await listNotebooks(notebooks, bea)).some((n) => n.id === id));
  const readOnly = await reasonOf(saveNotebook(notebooks, bea, id, body('x', 1)));
  assert.deepEqual([readOnly.reason, readOnly.status], ['NOTEBOOK_READ_ONLY', 403]);
  assert.equal((await reasonOf(listVersions(notebooks, bea, id))).status, 403);
  await setSharing(notebooks, ana, id, { shares: [{ role: 'analyst', access: 'edit' }] });
  assert.equal((await saveNotebook(notebooks, bea, id, body('by bea', 1))).version, 2);
  // An editor cannot delete, share, or hand the notebook to another owner.
  assert.equal((await reasonOf(deleteNotebook(notebooks, bea, id))).status, 403);
  assert.equal((await reasonOf(setSharing(notebooks, bea, id, { shares: [] }))).status, 403);
  assert.equal((await reasonOf(setSharing(notebooks, ana, id, { shares: [], owner: 'bea' }))).status, 403);
  // The admin can do all of it.
  assert.equal((await saveNotebook(notebooks, ada, id, body('by ada', 2))).version, 3);
});

test('a notebook from before owners is admins only, until an admin gives it an owner', async () => {
  await writeFile(
    path.join(dir, 'legacy-nb.sql'),
    '-- Notebook: Old one\n\n-- %% sql id=c1 run=browser\nSELECT 1\n',
  );
  assert.ok(!(await listNotebooks(notebooks, ana)).some((n) => n.id === 'legacy-nb'));
  assert.equal((await reasonOf(openNotebook(notebooks, ana, 'legacy-nb'))).reason, 'NOTEBOOK_NOT_FOUND');
  const asAdmin = await openNotebook(notebooks, ada, 'legacy-nb');
  assert.deepEqual([asAdmin.owner, asAdmin.version, asAdmin.title], [null, 1, 'Old one']);
  await setSharing(notebooks, ada, 'legacy-nb', { shares: [], owner: 'ana' });
  const asOwner = await openNotebook(notebooks, ana, 'legacy-nb');
  assert.equal(asOwner.access, 'manage');
  await saveNotebook(notebooks, ana, 'legacy-nb', body('SELECT 2', 1));
  // The first save keeps the legacy content as version 1, so it can be restored.
  assert.deepEqual(
    (await listVersions(notebooks, ana, 'legacy-nb')).map((v) => [v.version, v.user]),
    [
      [2, 'ana'],
      [1, null],
    ],
  );
  const meta = JSON.parse(await readFile(path.join(dir, '.meta', 'legacy-nb.json'), 'utf8')) as {
    owner: string;
  };
  assert.equal(meta.owner, 'ana');
});
