// A notebook's schedule and runs routes × caller (anonymous, frontend, analyst, admin), plus the CSRF refusals, on
// a temporary control database, lake and notebooks folder: the notebook belongs to the analyst, so the analyst
// (owner) and the admin may set its schedule and run it; the front-end team has no workbench. Then what the
// notebook's own access decides: a reader sees runs but may not schedule, a stranger is told it does not exist;
// and bad input (cron, zone, format, names) is refused with a message.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as outputRoute from '../../app/api/notebooks/[id]/runs/[runId]/outputs/[name]/route';
import * as runRoute from '../../app/api/notebooks/[id]/runs/[runId]/route';
import * as runsRoute from '../../app/api/notebooks/[id]/runs/route';
import * as notebookRoute from '../../app/api/notebooks/[id]/route';
import * as scheduleRoute from '../../app/api/notebooks/[id]/schedule/route';
import { createTable } from '../../pipelines/delta/index';
import { closeControlPlane, getControlPlane } from '../../server/api/control-plane';
import { getLakeContext } from '../../server/api/workbench/lake-context';
import { getNotebookRunStores, setNotebookSchedule } from '../../server/api/workbench/notebook-runs';
import { createNotebook, getNotebooks } from '../../server/api/workbench/notebooks';
import type { Role, SessionUser } from '../../server/auth/permissions';
import { NOTEBOOK_JOB_TYPE } from '../../server/notebook-runs/notebook-schedules';
import { runNotebook } from '../../server/notebook-runs/run-notebook';
import { scheduleInputSchema } from '../../server/notebook-runs/schedule-settings';
import { CSRF_HEADERS } from '../support/auth';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { signInEveryRole } from './role-sessions';
import {
  assertTableCoversRoutes,
  NOTEBOOK_RUN_ROUTES,
  only,
  params,
  req,
  routeTableTests,
  type RouteRow,
} from './route-table';

const saved = { ...process.env };
let db: TempDatabase;
let dir: string;
const cookies: Partial<Record<Role, string>> = {};
const analyst: SessionUser = { username: 'analyst', roles: ['analyst'] };
const admin: SessionUser = { username: 'admin', roles: ['admin'] };
let notebookId = '';
let runId = '';

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'routes-notebook-runs-'));
  db = await createTempDatabase('routes_notebook_runs');
  process.env.CONTROL_DB_URL = db.url;
  Object.assign(cookies, await signInEveryRole(dir));
  process.env.LAKE_ROOT = path.join(dir, 'lake');
  process.env.NOTEBOOKS_DIR = path.join(dir, 'notebooks');
  const lake = await getLakeContext();
  await createTable(lake, 'tables/permits', {
    data: `SELECT i::BIGINT AS permit_id, 'permit ' || i AS address FROM range(0, 3) AS r(i)`,
  });
  const notebook = await createNotebook(getNotebooks(), analyst, {
    title: 'Permits',
    parameters: [],
    cells: [{ id: 'c1', kind: 'sql', name: 'permit_list', source: 'SELECT * FROM permits ORDER BY 1' }],
  });
  notebookId = notebook.id;
  const { manifest } = await runNotebook(
    { lake, folders: getNotebookRunStores().folders, notebooksDir: path.join(dir, 'notebooks') },
    { notebook, trigger: 'schedule', parameters: {} },
  );
  assert.equal(manifest.status, 'succeeded', manifest.error ?? '');
  runId = manifest.runId;
});
after(async () => {
  await closeControlPlane();
  process.env = saved;
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const notebook = () => params({ id: notebookId });
const hourly = { cron: '0 * * * *', timezone: 'UTC', parameters: {} };

async function withSchedule(): Promise<void> {
  await setNotebookSchedule(
    getNotebooks(),
    getNotebookRunStores(),
    getControlPlane,
    analyst,
    notebookId,
    scheduleInputSchema.parse(hourly),
  );
}

/** Run now with no worker: each allowed call queues a job, so the one before it is taken off the queue first. */
async function runNow(h: Record<string, string>): Promise<Response> {
  const ctx = await getControlPlane();
  await ctx.agenda.cancel({ names: [NOTEBOOK_JOB_TYPE], data: { trigger: 'manual' } });
  return runsRoute.POST(req('POST', `/api/notebooks/${notebookId}/runs`, h), notebook());
}

const output = (format: string) => (h: Record<string, string>) =>
  outputRoute.GET(
    req('GET', `/api/notebooks/${notebookId}/runs/${runId}/outputs/permit_list?format=${format}`, h),
    params({ id: notebookId, runId, name: 'permit_list' }),
  );

const rows: RouteRow[] = [
  {
    route: 'notebooks/[id]/schedule',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => scheduleRoute.GET(req('GET', `/api/notebooks/${notebookId}/schedule`, h), notebook()),
    check: (_res, body) => assert.equal(json(body).schedule, null),
  },
  {
    route: 'notebooks/[id]/schedule',
    method: 'PUT',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      scheduleRoute.PUT(req('PUT', `/api/notebooks/${notebookId}/schedule`, h, hourly), notebook()),
    check: (_res, body, caller) => {
      const view = json(body) as { schedule: { cron: string; updatedBy: string }; nextRunAt: string | null };
      assert.equal(view.schedule.cron, '0 * * * *');
      assert.equal(view.schedule.updatedBy, caller);
      assert.ok(view.nextRunAt, 'the Agenda job has a next run');
    },
  },
  {
    route: 'notebooks/[id]/schedule',
    method: 'DELETE',
    expect: only(['admin', 'analyst']),
    call: async (h) => {
      await withSchedule();
      return scheduleRoute.DELETE(req('DELETE', `/api/notebooks/${notebookId}/schedule`, h), notebook());
    },
    check: (_res, body) => assert.equal(json(body).schedule, null),
  },
  {
    route: 'notebooks/[id]/runs',
    method: 'POST',
    expect: only(['admin', 'analyst'], 202),
    call: runNow,
    check: (_res, body) => assert.equal(json(body).queued, true),
  },
  {
    route: 'notebooks/[id]/runs',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) => runsRoute.GET(req('GET', `/api/notebooks/${notebookId}/runs`, h), notebook()),
    check: (_res, body) =>
      assert.deepEqual(
        (json(body).runs as { runId: string }[]).map((r) => r.runId),
        [runId],
      ),
  },
  {
    route: 'notebooks/[id]/runs/[runId]',
    method: 'GET',
    expect: only(['admin', 'analyst']),
    call: (h) =>
      runRoute.GET(
        req('GET', `/api/notebooks/${notebookId}/runs/${runId}`, h),
        params({ id: notebookId, runId }),
      ),
    check: (_res, body) =>
      assert.deepEqual((json(body).run as { versions: unknown }).versions, { permits: 0 }),
  },
  {
    route: 'notebooks/[id]/runs/[runId]/outputs/[name]',
    method: 'GET',
    variant: 'csv',
    expect: only(['admin', 'analyst']),
    call: output('csv'),
    check: (res, body) => {
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename=".*permit_list\.csv"/);
      assert.equal(body, 'permit_id,address\n0,permit 0\n1,permit 1\n2,permit 2\n');
    },
  },
  {
    route: 'notebooks/[id]/runs/[runId]/outputs/[name]',
    method: 'GET',
    variant: 'parquet',
    expect: only(['admin', 'analyst']),
    call: output('parquet'),
    check: (_res, body) => assert.ok(body.startsWith('PAR1')),
  },
  {
    route: 'notebooks/[id]/runs/[runId]/outputs/[name]',
    method: 'GET',
    variant: 'xlsx',
    expect: only(['admin', 'analyst']),
    call: output('xlsx'),
    // The sheet's values and types are checked where the conversion is (test/delivery); here, that it is an .xlsx.
    check: (res, body) => {
      assert.match(res.headers.get('content-type') ?? '', /spreadsheetml\.sheet$/);
      assert.match(res.headers.get('content-disposition') ?? '', /filename=".*permit_list\.xlsx"/);
      assert.ok(body.startsWith('PK'), 'a zip file');
    },
  },
];

describe('notebook schedule and runs route × caller', () => {
  routeTableTests(rows, cookies);

  it("follows the notebook's own access: a reader sees runs but may not schedule or run; others get 404", async () => {
    const owned = await createNotebook(getNotebooks(), admin, { title: 'Admin only', parameters: [] });
    const id = owned.id;
    const as = () => ({ cookie: cookies.analyst!, ...CSRF_HEADERS });
    const hidden = await runsRoute.GET(req('GET', `/api/notebooks/${id}/runs`, as()), params({ id }));
    assert.equal(hidden.status, 404, await hidden.text());
    const sharing = await import('../../app/api/notebooks/[id]/sharing/route');
    const shared = await sharing.PUT(
      req(
        'PUT',
        `/api/notebooks/${id}/sharing`,
        { cookie: cookies.admin!, ...CSRF_HEADERS },
        {
          shares: [{ user: 'analyst', access: 'edit' }],
        },
      ),
      params({ id }),
    );
    assert.equal(shared.status, 200, await shared.text());
    const listed = await runsRoute.GET(req('GET', `/api/notebooks/${id}/runs`, as()), params({ id }));
    assert.equal(listed.status, 200);
    assert.deepEqual((await listed.json()) as unknown, { runs: [] });
    const put = await scheduleRoute.PUT(
      req('PUT', `/api/notebooks/${id}/schedule`, as(), hourly),
      params({ id }),
    );
    assert.equal(put.status, 403);
    assert.match(
      ((await put.json()) as { error: { message: string } }).error.message,
      /Only the notebook's owner or an admin may schedule or run/,
    );
    const run = await runsRoute.POST(req('POST', `/api/notebooks/${id}/runs`, as()), params({ id }));
    assert.equal(run.status, 403);
  });

  it('refuses bad input with a message and changes nothing', async () => {
    const h = { cookie: cookies.analyst!, ...CSRF_HEADERS };
    const before = await getNotebookRunStores().settings.read(notebookId);
    for (const [body, pattern] of [
      [{ cron: '0 * * *' }, /five-field cron/],
      [{ cron: '61 * * * *' }, /not a valid cron/],
      [{ cron: '0 * * * *', timezone: 'Mars/Olympus' }, /not a time zone/],
      [{ cron: '0 * * * *', delivery: { targets: [{ kind: 'email', to: 'nobody' }] } }, /delivery/],
      [{ cron: '0 * * * *', parameters: { 'bad name': 1 } }, /parameters\.bad name/],
    ] as const) {
      const res = await scheduleRoute.PUT(
        req('PUT', `/api/notebooks/${notebookId}/schedule`, h, body),
        notebook(),
      );
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(((await res.json()) as { error: { message: string } }).error.message, pattern);
    }
    assert.deepEqual(await getNotebookRunStores().settings.read(notebookId), before);
    const badFormat = await outputRoute.GET(
      req('GET', `/api/notebooks/${notebookId}/runs/${runId}/outputs/permit_list?format=pdf`, h),
      params({ id: notebookId, runId, name: 'permit_list' }),
    );
    assert.equal(badFormat.status, 400);
    const traversal = await outputRoute.GET(
      req('GET', `/api/notebooks/${notebookId}/runs/${runId}/outputs/..?format=csv`, h),
      params({ id: notebookId, runId, name: '..' }),
    );
    assert.equal(traversal.status, 400);
    const unknown = await outputRoute.GET(
      req('GET', `/api/notebooks/${notebookId}/runs/${runId}/outputs/nope?format=csv`, h),
      params({ id: notebookId, runId, name: 'nope' }),
    );
    assert.equal(unknown.status, 404);
  });

  it('deleting a notebook removes its schedule and Agenda job', async () => {
    const doomed = await createNotebook(getNotebooks(), analyst, { title: 'Doomed', parameters: [] });
    const id = doomed.id;
    await setNotebookSchedule(
      getNotebooks(),
      getNotebookRunStores(),
      getControlPlane,
      analyst,
      id,
      scheduleInputSchema.parse(hourly),
    );
    const jobsOf = async () =>
      (
        await (
          await getControlPlane()
        ).agenda.queryJobs({
          names: [NOTEBOOK_JOB_TYPE],
          data: { scheduleName: `notebook.${id}` },
          includeDisabled: true,
        })
      ).jobs;
    assert.equal((await jobsOf()).length, 1);
    const res = await notebookRoute.DELETE(
      req('DELETE', `/api/notebooks/${id}`, { cookie: cookies.analyst!, ...CSRF_HEADERS }),
      params({ id }),
    );
    assert.equal(res.status, 204);
    assert.equal(await getNotebookRunStores().settings.read(id), null);
    assert.deepEqual(await jobsOf(), []);
  });

  it('every notebook-run route file and method has a row', () =>
    assertTableCoversRoutes(rows, (route) => NOTEBOOK_RUN_ROUTES.includes(route)));
});
