// Every report route × caller (anonymous, frontend, analyst, admin), denied cases included, plus the CSRF
// refusals: handlers called directly over a temporary lake (permits with two versions, parcels that no report
// reads) and notebooks folder. A viewer needs reports:read and a role the report allows; the report-scoped
// snapshot and lake routes serve only the table versions the report reads, its files route only the files frozen
// with it; publishing is the notebook's owner's
// or an admin's.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as snapshotRoute from '../../app/api/catalog/tables/[table]/snapshot/route';
import * as lakeRoute from '../../app/api/lake/[...path]/route';
import * as publishRoute from '../../app/api/notebooks/[id]/publish/route';
import * as reportLakeRoute from '../../app/api/reports/[id]/lake/[...path]/route';
import * as reportFileRoute from '../../app/api/reports/[id]/files/[name]/route';
import * as reportRoute from '../../app/api/reports/[id]/route';
import * as reportSnapshotRoute from '../../app/api/reports/[id]/snapshot/route';
import * as reportsRoute from '../../app/api/reports/route';
import { append, createTable, loadSnapshot } from '../../pipelines/delta/index';
import { getDataFilePath } from '../../server/api/workbench/describe-snapshot';
import { getLakeContext } from '../../server/api/workbench/lake-context';
import { createNotebook, getNotebooks } from '../../server/api/workbench/notebooks';
import { setSharing } from '../../server/api/workbench/notebook-sharing';
import type { Role, SessionUser } from '../../server/auth/permissions';
import { saveNotebookFile } from '../../server/notebooks/notebook-files';
import { getReportDeps, publishReport } from '../../server/reports/reports';
import { signInEveryRole } from './role-sessions';
import {
  assertTableCoversRoutes,
  everyone,
  only,
  params,
  req,
  REPORT_ROUTES,
  routeTableTests,
  type Caller,
  type RouteRow,
} from './route-table';

const saved = { ...process.env };
let dir: string;
const cookies: Partial<Record<Role, string>> = {};
const analyst: SessionUser = { username: 'analyst', roles: ['analyst'] };
const admin: SessionUser = { username: 'admin', roles: ['admin'] };
/** Ids: a report every role may read (pinned to permits v0), one for analysts only, and a notebook of someone else. */
const ids = { open: '', analystsOnly: '', othersNotebook: '', unpublish: '', noFiles: '' };
/** Data files: permits v0 (read by the open report), permits v1's new file (not read), parcels (not read). */
const files = { v0: '', v1: '', parcels: '' };

const SQL = 'SELECT count(*) AS n, sum(permit_id) AS total FROM permits';
/** The CSV saved with the open and the analysts-only notebooks before they are published. */
const CODES_CSV = 'code,label\n1,one\n';

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'routes-reports-'));
  Object.assign(cookies, await signInEveryRole(dir));
  process.env.LAKE_ROOT = path.join(dir, 'lake');
  process.env.NOTEBOOKS_DIR = path.join(dir, 'notebooks');
  const context = await getLakeContext();
  await createTable(context, 'tables/permits', {
    data: `SELECT i::BIGINT AS permit_id FROM range(0, 10) AS r(i)`,
  });
  await append(context, 'tables/permits', `SELECT i::BIGINT AS permit_id FROM range(10, 15) AS r(i)`);
  await createTable(context, 'tables/parcels', { data: `SELECT 1::BIGINT AS parcel_id` });
  const v0 = await loadSnapshot(context, 'tables/permits', { version: 0 });
  const v1 = await loadSnapshot(context, 'tables/permits', { version: 1 });
  const parcels = await loadSnapshot(context, 'tables/parcels');
  files.v0 = getDataFilePath(v0, v0.files[0]!);
  files.v1 = getDataFilePath(
    v1,
    v1.files.find((f) => !v0.files.some((g) => g.path === f.path))!,
  );
  files.parcels = getDataFilePath(parcels, parcels.files[0]!);
  const cells = [{ id: 'c1', kind: 'sql' as const, name: 'counts', runOn: 'browser' as const, source: SQL }];
  const make = async (title: string, owner: SessionUser) =>
    (await createNotebook(getNotebooks(), owner, { title, parameters: [], cells })).id;
  ids.open = await make('Permits report', analyst);
  ids.analystsOnly = await make('Analysts only', analyst);
  ids.unpublish = await make('To unpublish', analyst);
  ids.noFiles = await make('Without files', analyst);
  // Someone else's notebook that the analyst may read (shared with the role), but not publish.
  ids.othersNotebook = await make('Not yours', { username: 'someone-else', roles: ['analyst'] });
  await setSharing(getNotebooks(), admin, ids.othersNotebook, {
    shares: [{ role: 'analyst', access: 'edit' }],
  });
  for (const notebook of [ids.open, ids.analystsOnly])
    await saveNotebookFile(path.join(dir, 'notebooks'), notebook, {
      name: 'codes',
      format: 'csv',
      bytes: new TextEncoder().encode(CODES_CSV),
    });
  const deps = getReportDeps();
  await publishReport(deps, analyst, ids.open, {
    roles: ['analyst', 'frontend', 'admin'],
    pin: { kind: 'versions', versions: { permits: 0 } },
  });
  await publishReport(deps, analyst, ids.analystsOnly, { roles: ['analyst'], pin: { kind: 'latest' } });
  await publishReport(deps, analyst, ids.noFiles, {
    roles: ['frontend', 'analyst'],
    pin: { kind: 'latest' },
  });
});
after(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const id = (value: () => string) => () => params({ id: value() });
const lakeCall =
  (report: () => string, file: () => string, method: 'GET' | 'HEAD' = 'GET') =>
  (h: Record<string, string>) =>
    reportLakeRoute[method](
      req(method, `/api/reports/${report()}/lake/${file()}`, h),
      params({ id: report(), path: file().split('/') }),
    );
const fileCall = (report: () => string, name: string) => (h: Record<string, string>) =>
  reportFileRoute.GET(
    req('GET', `/api/reports/${report()}/files/${encodeURIComponent(name)}`, h),
    params({ id: report(), name }),
  );
const readers = (status: number): Record<Caller, number> => ({ ...everyone(status), anonymous: 401 });

const rows: RouteRow[] = [
  {
    route: 'reports',
    method: 'GET',
    expect: only(['admin', 'analyst', 'frontend']),
    call: (h) => reportsRoute.GET(req('GET', '/api/reports', h), undefined),
    // The frontend user sees the reports open to it only; analysts and admins all.
    check: (_res, body, caller) =>
      assert.deepEqual(
        (json(body).reports as { title: string }[]).map((r) => r.title).sort(),
        caller === 'frontend'
          ? ['Permits report', 'Without files']
          : ['Analysts only', 'Permits report', 'To unpublish', 'Without files'],
      ),
  },
  {
    route: 'reports/[id]',
    method: 'GET',
    expect: readers(200),
    call: (h) => reportRoute.GET(req('GET', `/api/reports/${ids.open}`, h), id(() => ids.open)()),
    check: (_res, body) => {
      const report = json(body);
      assert.deepEqual(report.reads, [{ table: 'permits', version: 0 }]);
      assert.deepEqual(report.tables, ['permits']);
      assert.equal((report.notebook as { cells: { source: string }[] }).cells[0]?.source, SQL);
    },
  },
  {
    route: 'reports/[id]',
    method: 'GET',
    variant: 'of a report for analysts only',
    // Not allowed is answered like unknown, so report ids cannot be probed.
    expect: { anonymous: 401, frontend: 404, analyst: 200, admin: 200 },
    call: (h) =>
      reportRoute.GET(req('GET', `/api/reports/${ids.analystsOnly}`, h), id(() => ids.analystsOnly)()),
    check: (res, body) => {
      if (res.status === 200) assert.deepEqual(json(body).reads, [{ table: 'permits', version: 1 }]);
      else assert.equal(json(body).error && (json(body).error as { code: string }).code, 'NOT_FOUND');
    },
  },
  {
    route: 'reports/[id]/snapshot',
    method: 'GET',
    expect: readers(200),
    call: (h) =>
      reportSnapshotRoute.GET(
        req('GET', `/api/reports/${ids.open}/snapshot?table=permits`, h),
        id(() => ids.open)(),
      ),
    check: (_res, body) => {
      const view = json(body) as { version: number; files: { path: string; url: string }[] };
      // The pinned version, its files under the report's own lake route.
      assert.equal(view.version, 0);
      assert.deepEqual(
        view.files.map((f) => f.path),
        [files.v0],
      );
      assert.ok(view.files.every((f) => f.url.startsWith(`/api/reports/${ids.open}/lake/tables/permits/`)));
    },
  },
  {
    route: 'reports/[id]/snapshot',
    method: 'GET',
    variant: 'of a table the report does not read',
    expect: readers(404),
    call: (h) =>
      reportSnapshotRoute.GET(
        req('GET', `/api/reports/${ids.open}/snapshot?table=parcels`, h),
        id(() => ids.open)(),
      ),
  },
  {
    route: 'reports/[id]/snapshot',
    method: 'GET',
    variant: 'with time travel its SQL does not write',
    expect: readers(404),
    call: (h) =>
      reportSnapshotRoute.GET(
        req('GET', `/api/reports/${ids.open}/snapshot?table=permits&version=1`, h),
        id(() => ids.open)(),
      ),
  },
  {
    route: 'reports/[id]/snapshot',
    method: 'GET',
    variant: 'of a report for analysts only',
    expect: { anonymous: 401, frontend: 404, analyst: 200, admin: 200 },
    call: (h) =>
      reportSnapshotRoute.GET(
        req('GET', `/api/reports/${ids.analystsOnly}/snapshot?table=permits`, h),
        id(() => ids.analystsOnly)(),
      ),
  },
  {
    route: 'reports/[id]/lake/[...path]',
    method: 'GET',
    expect: readers(200),
    call: lakeCall(
      () => ids.open,
      () => files.v0,
    ),
    check: (_res, body) => assert.ok(body.startsWith('PAR1')),
  },
  {
    route: 'reports/[id]/lake/[...path]',
    method: 'HEAD',
    expect: readers(200),
    call: lakeCall(
      () => ids.open,
      () => files.v0,
      'HEAD',
    ),
    check: (res) => assert.equal(res.headers.get('accept-ranges'), 'bytes'),
  },
  {
    route: 'reports/[id]/lake/[...path]',
    method: 'GET',
    variant: 'of a version the pinned report does not read',
    expect: readers(404),
    call: lakeCall(
      () => ids.open,
      () => files.v1,
    ),
  },
  {
    route: 'reports/[id]/lake/[...path]',
    method: 'GET',
    variant: 'of a table the report does not read',
    expect: readers(404),
    call: lakeCall(
      () => ids.open,
      () => files.parcels,
    ),
  },
  {
    route: 'reports/[id]/lake/[...path]',
    method: 'GET',
    variant: 'of the delta log',
    expect: readers(404),
    call: lakeCall(
      () => ids.open,
      () => 'tables/permits/_delta_log/00000000000000000000.json',
    ),
  },
  {
    route: 'reports/[id]/lake/[...path]',
    method: 'GET',
    variant: 'of a report for analysts only',
    expect: { anonymous: 401, frontend: 404, analyst: 200, admin: 200 },
    call: lakeCall(
      () => ids.analystsOnly,
      () => files.v1,
    ),
  },
  {
    route: 'reports/[id]/files/[name]',
    method: 'GET',
    expect: readers(200),
    call: fileCall(() => ids.open, 'codes'),
    check: (res, body) => {
      assert.equal(body, CODES_CSV);
      assert.equal(res.headers.get('content-type'), 'text/csv');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    },
  },
  {
    route: 'reports/[id]/files/[name]',
    method: 'GET',
    variant: 'of a report for analysts only',
    expect: { anonymous: 401, frontend: 404, analyst: 200, admin: 200 },
    call: fileCall(() => ids.analystsOnly, 'codes'),
    // Not allowed is answered like an unknown report, not like a missing file.
    check: (res, body) =>
      res.status === 200 ? assert.equal(body, CODES_CSV) : assert.match(body, /No report/),
  },
  {
    route: 'reports/[id]/files/[name]',
    method: 'GET',
    variant: 'of a name the report has no file by',
    expect: readers(404),
    call: fileCall(() => ids.open, 'other'),
  },
  {
    route: 'reports/[id]/files/[name]',
    method: 'GET',
    variant: 'of a report published without files',
    expect: readers(404),
    call: fileCall(() => ids.noFiles, 'codes'),
  },
  {
    route: 'reports/[id]/files/[name]',
    method: 'GET',
    variant: 'of a name that is no table name',
    // Refused before anything is looked up, as a bad report id is.
    expect: everyone(400),
    call: fileCall(() => ids.open, '../reports/x'),
    check: (_res, body) => assert.match(body, /cannot name a table/),
  },
  {
    route: 'notebooks/[id]/publish',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => publishRoute.GET(req('GET', `/api/notebooks/${ids.open}/publish`, h), id(() => ids.open)()),
    check: (_res, body) => assert.equal((json(body).report as { id: string }).id, ids.open),
  },
  {
    route: 'notebooks/[id]/publish',
    method: 'POST',
    expect: only(['admin', 'analyst'], 201),
    call: (h) =>
      publishRoute.POST(
        req('POST', `/api/notebooks/${ids.analystsOnly}/publish`, h, { roles: ['analyst'] }),
        id(() => ids.analystsOnly)(),
      ),
  },
  {
    route: 'notebooks/[id]/publish',
    method: 'POST',
    variant: "of someone else's notebook",
    // The analyst may edit it (shared) but only its owner or an admin publishes it.
    expect: { anonymous: 401, frontend: 403, analyst: 403, admin: 201 },
    call: (h) =>
      publishRoute.POST(
        req('POST', `/api/notebooks/${ids.othersNotebook}/publish`, h, {}),
        id(() => ids.othersNotebook)(),
      ),
  },
  {
    route: 'notebooks/[id]/publish',
    method: 'POST',
    variant: 'pinned to a table the report does not read',
    expect: { anonymous: 401, frontend: 403, analyst: 400, admin: 400 },
    call: (h) =>
      publishRoute.POST(
        req('POST', `/api/notebooks/${ids.analystsOnly}/publish`, h, {
          pin: { kind: 'versions', versions: { parcels: 0 } },
        }),
        id(() => ids.analystsOnly)(),
      ),
    check: (_res, body) => assert.match(body, /does not read parcels/),
  },
  {
    route: 'notebooks/[id]/publish',
    method: 'DELETE',
    // The analyst (owner) unpublishes first; the admin then finds nothing to unpublish.
    expect: { anonymous: 401, frontend: 403, analyst: 204, admin: 404 },
    call: async (h) => {
      const res = await publishRoute.DELETE(
        req('DELETE', `/api/notebooks/${ids.unpublish}/publish`, h),
        id(() => ids.unpublish)(),
      );
      return res;
    },
  },
];

describe('report route × caller', () => {
  before(async () => {
    await publishReport(getReportDeps(), analyst, ids.unpublish, {
      roles: ['analyst'],
      pin: { kind: 'latest' },
    });
  });

  routeTableTests(rows, cookies);

  it('a frontend user reaches no workbench route: not the catalog snapshot, not the lake route', async () => {
    const h = { cookie: cookies.frontend! };
    const snapshot = await snapshotRoute.GET(
      req('GET', '/api/catalog/tables/permits/snapshot', h),
      params({ table: 'permits' }),
    );
    assert.equal(snapshot.status, 403);
    const lake = await lakeRoute.GET(
      req('GET', `/api/lake/${files.v0}`, h),
      params({ path: files.v0.split('/') }),
    );
    assert.equal(lake.status, 403);
    const notebook = await publishRoute.GET(
      req('GET', `/api/notebooks/${ids.open}/publish`, h),
      params({ id: ids.open }),
    );
    assert.equal(notebook.status, 403);
  });

  it('every report route file and method has a row', () =>
    assertTableCoversRoutes(rows, (route) => REPORT_ROUTES.includes(route)));
});
