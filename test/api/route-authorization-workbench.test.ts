// Every workbench route × caller (anonymous, frontend, analyst, admin), denied cases included, plus the CSRF
// refusals: the route files' handlers are called directly with Request objects over a temporary lake (one small
// Delta table) and notebooks folder. The catalog list and history are catalog:read; snapshots, lake files, queries
// and notebooks are the workbench permission; analysts and admins have both, the front-end team neither.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as changesRoute from '../../app/api/catalog/tables/[table]/changes/route';
import * as historyRoute from '../../app/api/catalog/tables/[table]/history/route';
import * as snapshotRoute from '../../app/api/catalog/tables/[table]/snapshot/route';
import * as tablesRoute from '../../app/api/catalog/tables/route';
import * as lakeRoute from '../../app/api/lake/[...path]/route';
import * as duplicateRoute from '../../app/api/notebooks/[id]/duplicate/route';
import * as notebookFileRoute from '../../app/api/notebooks/[id]/files/[name]/route';
import * as notebookFilesRoute from '../../app/api/notebooks/[id]/files/route';
import * as notebookHistoryRoute from '../../app/api/notebooks/[id]/history/route';
import * as notebookRoute from '../../app/api/notebooks/[id]/route';
import * as notebookSharingRoute from '../../app/api/notebooks/[id]/sharing/route';
import * as notebooksRoute from '../../app/api/notebooks/route';
import * as queryHistoryRoute from '../../app/api/query/history/route';
import * as queryRoute from '../../app/api/query/route';
import { createTable, loadSnapshot } from '../../pipelines/delta/index';
import { getDataFilePath } from '../../server/api/workbench/describe-snapshot';
import { getLakeContext } from '../../server/api/workbench/lake-context';
import {
  createNotebook,
  getNotebooks,
  getNotebookStore,
  openNotebook,
} from '../../server/api/workbench/notebooks';
import type { Role } from '../../server/auth/permissions';
import {
  deleteNotebookFile,
  listNotebookFiles,
  saveNotebookFile,
} from '../../server/notebooks/notebook-files';
import { BASE_URL, signInEveryRole } from './role-sessions';
import {
  assertTableCoversRoutes,
  only,
  params,
  req,
  routeTableTests,
  WORKBENCH_ROUTES,
  type RouteRow,
} from './route-table';

const saved = { ...process.env };
let dir: string;
const cookies: Partial<Record<Role, string>> = {};
let notebookId = '';
// A data file of the table (its name is chosen by the writer): the lake route serves snapshot files only.
let dataFile = '';
// The notebooks belong to the analyst, so the analyst (owner) and the admin may do everything with them.
const owner = { username: 'analyst', roles: ['analyst' as const] };

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'routes-workbench-'));
  Object.assign(cookies, await signInEveryRole(dir));
  process.env.LAKE_ROOT = path.join(dir, 'lake');
  process.env.NOTEBOOKS_DIR = path.join(dir, 'notebooks');
  const context = await getLakeContext();
  await createTable(context, 'tables/permits', {
    data: `SELECT i::BIGINT AS permit_id, 'permit ' || i AS address FROM range(0, 10) AS r(i)`,
  });
  const snapshot = await loadSnapshot(context, 'tables/permits');
  dataFile = getDataFilePath(snapshot, snapshot.files[0] as (typeof snapshot.files)[number]);
  notebookId = (await createNotebook(getNotebooks(), owner, { title: 'Permits week', parameters: [] })).id;
});
after(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const table = (t: string) => params({ table: t });
const notebook = () => params({ id: notebookId });

/** DELETE of a notebook made for this call; a refused caller must leave it in place. */
async function deleteFreshNotebook(h: Record<string, string>): Promise<Response> {
  const { id } = await createNotebook(getNotebooks(), owner, { title: 'Scratch', parameters: [] });
  const res = await notebookRoute.DELETE(req('DELETE', `/api/notebooks/${id}`, h), params({ id }));
  if (res.status !== 204) assert.equal((await openNotebook(getNotebooks(), owner, id)).id, id);
  return res;
}

const cells = [{ id: 'c1', kind: 'sql', name: 'recent', runOn: 'browser', source: 'SELECT * FROM permits' }];

const rows: RouteRow[] = [
  {
    route: 'catalog/tables',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => tablesRoute.GET(req('GET', '/api/catalog/tables', h), undefined),
    check: (_res, body) =>
      assert.deepEqual(
        (json(body).tables as { name: string }[]).map((t) => t.name),
        ['permits'],
      ),
  },
  {
    route: 'catalog/tables/[table]/history',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => historyRoute.GET(req('GET', '/api/catalog/tables/permits/history', h), table('permits')),
    check: (_res, body) => assert.equal((json(body).history as unknown[]).length, 1),
  },
  {
    route: 'catalog/tables/[table]/changes',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      changesRoute.GET(req('GET', '/api/catalog/tables/permits/changes?from=0&to=0', h), table('permits')),
    check: (_res, body) => {
      const answer = json(body) as { rows: { _change_type: string }[]; changeDataFeedEnabled: boolean };
      assert.ok(answer.rows.length > 0);
      assert.ok(answer.rows.every((row) => row._change_type === 'insert'));
      assert.equal(answer.changeDataFeedEnabled, false);
    },
  },
  {
    route: 'catalog/tables/[table]/changes',
    method: 'GET',
    variant: 'from after to',
    expect: only(['admin', 'analyst'], 400),
    call: (h) =>
      changesRoute.GET(req('GET', '/api/catalog/tables/permits/changes?from=2&to=1', h), table('permits')),
  },
  {
    route: 'catalog/tables/[table]/changes',
    method: 'GET',
    variant: 'beyond the latest version',
    expect: only(['admin', 'analyst'], 404),
    call: (h) =>
      changesRoute.GET(req('GET', '/api/catalog/tables/permits/changes?from=0&to=9', h), table('permits')),
    check: (_res, body) => assert.match(body, /beyond the latest version 0/),
  },
  {
    route: 'catalog/tables/[table]/snapshot',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => snapshotRoute.GET(req('GET', '/api/catalog/tables/permits/snapshot', h), table('permits')),
    check: (_res, body) => assert.equal(json(body).version, 0),
  },
  {
    route: 'lake/[...path]',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => lakeRoute.GET(req('GET', `/api/lake/${dataFile}`, h), params({ path: dataFile.split('/') })),
    check: (_res, body) => assert.ok(body.startsWith('PAR1')),
  },
  {
    route: 'lake/[...path]',
    method: 'HEAD',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      lakeRoute.HEAD(req('HEAD', `/api/lake/${dataFile}`, h), params({ path: dataFile.split('/') })),
    check: (res) => assert.equal(res.headers.get('accept-ranges'), 'bytes'),
  },
  {
    route: 'query',
    method: 'POST',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      queryRoute.POST(
        req('POST', '/api/query', h, {
          sql: 'SELECT count(*) AS n FROM permits',
          tables: [{ view: 'permits', table: 'permits' }],
        }),
        undefined,
      ),
    check: (res) => assert.equal(res.headers.get('content-type'), 'application/vnd.apache.arrow.stream'),
  },
  {
    route: 'query/history',
    method: 'POST',
    expect: only(['admin', 'analyst'], 204),
    call: (h) =>
      queryHistoryRoute.POST(
        req('POST', '/api/query/history', h, { sql: 'SELECT 1', runOn: 'browser', rows: 1 }),
        undefined,
      ),
  },
  {
    // Each caller sees only their own history: the entry their POST above recorded.
    route: 'query/history',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => queryHistoryRoute.GET(req('GET', '/api/query/history', h), undefined),
    check: (_res, body) => assert.equal((json(body).history as unknown[]).length, 1),
  },
  {
    route: 'notebooks',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => notebooksRoute.GET(req('GET', '/api/notebooks', h), undefined),
  },
  {
    route: 'notebooks',
    method: 'POST',
    expect: only(['admin', 'analyst'], 201),
    call: (h) => notebooksRoute.POST(req('POST', '/api/notebooks', h, { title: 'New one' }), undefined),
  },
  {
    route: 'notebooks/[id]',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => notebookRoute.GET(req('GET', `/api/notebooks/${notebookId}`, h), notebook()),
  },
  {
    route: 'notebooks/[id]',
    method: 'PUT',
    expect: only(['admin', 'analyst']),
    call: async (h) => {
      const baseVersion = (await getNotebooks().meta(notebookId)).version;
      return notebookRoute.PUT(
        req('PUT', `/api/notebooks/${notebookId}`, h, { title: 'Permits week', cells, baseVersion }),
        notebook(),
      );
    },
  },
  {
    route: 'notebooks/[id]/sharing',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => notebookSharingRoute.GET(req('GET', `/api/notebooks/${notebookId}/sharing`, h), notebook()),
    check: (_res, body) => assert.equal(json(body).owner, 'analyst'),
  },
  {
    route: 'notebooks/[id]/sharing',
    method: 'PUT',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      notebookSharingRoute.PUT(
        req('PUT', `/api/notebooks/${notebookId}/sharing`, h, {
          shares: [{ role: 'frontend', access: 'read' }],
        }),
        notebook(),
      ),
    check: (_res, body) => assert.deepEqual(json(body).shares, [{ role: 'frontend', access: 'read' }]),
  },
  {
    route: 'notebooks/[id]/history',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => notebookHistoryRoute.GET(req('GET', `/api/notebooks/${notebookId}/history`, h), notebook()),
    check: (_res, body) => assert.ok((json(body).versions as unknown[]).length >= 1),
  },
  {
    route: 'notebooks/[id]/history',
    method: 'POST',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      notebookHistoryRoute.POST(
        req('POST', `/api/notebooks/${notebookId}/history`, h, { version: 1 }),
        notebook(),
      ),
    check: (_res, body) => assert.equal(json(body).title, 'Permits week'),
  },
  {
    route: 'notebooks/[id]',
    method: 'PATCH',
    expect: only(['admin', 'analyst']),
    call: (h, caller) =>
      notebookRoute.PATCH(
        req('PATCH', `/api/notebooks/${notebookId}`, h, { title: `Renamed by ${caller}` }),
        notebook(),
      ),
  },
  {
    route: 'notebooks/[id]/files/[name]',
    method: 'PUT',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      notebookFileRoute.PUT(
        new Request(`${BASE_URL}/api/notebooks/${notebookId}/files/codes?format=csv`, {
          method: 'PUT',
          headers: { ...h, 'content-type': 'text/csv' },
          body: 'code,label\n1,one\n',
        }),
        params({ id: notebookId, name: 'codes' }),
      ),
    check: (_res, body) => assert.equal(json(body).format, 'csv'),
  },
  {
    route: 'notebooks/[id]/files',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => notebookFilesRoute.GET(req('GET', `/api/notebooks/${notebookId}/files`, h), notebook()),
    check: (_res, body) =>
      assert.deepEqual(
        (json(body).files as { name: string }[]).map((f) => f.name),
        ['codes'],
      ),
  },
  {
    route: 'notebooks/[id]/files/[name]',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      notebookFileRoute.GET(
        req('GET', `/api/notebooks/${notebookId}/files/codes`, h),
        params({ id: notebookId, name: 'codes' }),
      ),
    check: (_res, body) => assert.equal(body, 'code,label\n1,one\n'),
  },
  {
    route: 'notebooks/[id]/files/[name]',
    method: 'DELETE',
    expect: only(['admin', 'analyst'], 204),
    call: async (h) => {
      // A file of its own per call; a refused caller must leave it in place.
      const name = `scratch_${Math.random().toString(36).slice(2, 8)}`;
      const dir = path.resolve(process.env.NOTEBOOKS_DIR as string);
      await saveNotebookFile(dir, notebookId, {
        name,
        format: 'csv',
        bytes: new TextEncoder().encode('a\n1\n'),
      });
      const res = await notebookFileRoute.DELETE(
        req('DELETE', `/api/notebooks/${notebookId}/files/${name}`, h),
        params({ id: notebookId, name }),
      );
      const left = (await listNotebookFiles(dir, notebookId)).some((f) => f.name === name);
      assert.equal(left, res.status !== 204);
      if (left) await deleteNotebookFile(dir, notebookId, name);
      return res;
    },
  },
  {
    route: 'notebooks/[id]/duplicate',
    method: 'POST',
    expect: only(['admin', 'analyst'], 201),
    call: (h) =>
      duplicateRoute.POST(req('POST', `/api/notebooks/${notebookId}/duplicate`, h, {}), notebook()),
  },
  {
    route: 'notebooks/[id]',
    method: 'DELETE',
    expect: only(['admin', 'analyst'], 204),
    call: deleteFreshNotebook,
  },
];

describe('workbench route × caller', () => {
  routeTableTests(rows, cookies);

  it('refused and forged requests created no notebook and deleted none', async () => {
    // Allowed: the fixture (renamed by the admin last), a POST and a duplicate each by the analyst and the admin.
    // Left over: the scratch notebooks of the refused DELETEs (anonymous, frontend and the two forged ones).
    const titles = (await getNotebookStore().list()).map((n) => n.title).sort();
    assert.deepEqual(titles, [
      'New one',
      'New one',
      'Renamed by admin',
      'Renamed by admin (copy)',
      'Renamed by admin (copy)',
      'Scratch',
      'Scratch',
      'Scratch',
      'Scratch',
    ]);
  });

  it('every workbench route file and method has a row', () =>
    assertTableCoversRoutes(rows, (route) => WORKBENCH_ROUTES.includes(route)));
});
