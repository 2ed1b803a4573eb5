// Every control-plane, auth and health route × caller (anonymous, frontend, analyst, admin), denied cases
// included, plus the CSRF refusals: the route files' handlers are called directly with Request objects on a
// temporary control database. The workbench's routes are in route-authorization-workbench.test.ts; the last test
// checks that the two tables together have a row for every route file and method under app/api.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as loginRoute from '../../app/api/auth/login/route';
import * as failedLoginsRoute from '../../app/api/auth/failed-logins/route';
import * as logoutRoute from '../../app/api/auth/logout/route';
import * as meRoute from '../../app/api/auth/me/route';
import * as reconcileRoute from '../../app/api/pipelines/[name]/reconcile/route';
import * as restoreRoute from '../../app/api/catalog/tables/[table]/restore/route';
import * as healthRoute from '../../app/api/health/route';
import * as lineageDatasetsRoute from '../../app/api/lineage/datasets/route';
import * as lineageRoute from '../../app/api/lineage/route';
import * as runRoute from '../../app/api/runs/[id]/route';
import * as runsRoute from '../../app/api/runs/route';
import * as scheduleChangesRoute from '../../app/api/schedule-changes/route';
import * as scheduleRunRoute from '../../app/api/schedules/[name]/run/route';
import * as scheduleRoute from '../../app/api/schedules/[name]/route';
import * as schedulesRoute from '../../app/api/schedules/route';
import * as syncStatusRoute from '../../app/api/sync/status/route';
import { closeControlPlane, getControlPlane } from '../../server/api/control-plane';
import type { Role } from '../../server/auth/permissions';
import { CSRF_HEADERS } from '../support/auth';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { createSyncedLake, type SyncedLake } from '../sync/synced-lake';
import { alertRouteRows } from './alerts-route-rows';
import { signInEveryRole } from './role-sessions';
import {
  assertTableCoversRoutes,
  everyone,
  only,
  params,
  req,
  routeTableTests,
  REPORT_ROUTES,
  WORKBENCH_ROUTES,
  type RouteRow,
} from './route-table';

const saved = { ...process.env };
let db: TempDatabase;
let dir: string;
const cookies: Partial<Record<Role, string>> = {};
let runId = '';
// The sync status and restore routes need a lake and MariaDB (skipped, with the reason, when it is down; under
// CI mariaDbSkipReason makes that a failure).
const mariaDbSkip = await mariaDbSkipReason();
let lake: SyncedLake | undefined;

before(async () => {
  db = await createTempDatabase('routes');
  dir = await mkdtemp(path.join(os.tmpdir(), 'routes-'));
  process.env.CONTROL_DB_URL = db.url;
  Object.assign(cookies, await signInEveryRole(dir));
  if (!mariaDbSkip) {
    lake = await createSyncedLake('routes_sync');
    process.env.LAKE_ROOT = lake.lakeDir;
    process.env.MYSQL_URL = lake.db.url;
  }
  const { store } = await getControlPlane();
  runId = (
    await store.createRun({
      pipeline: 'permits',
      jobType: 'pipeline.run',
      trigger: 'manual',
      startedAt: new Date(),
    })
  ).id;
});
after(async () => {
  await closeControlPlane();
  process.env = saved;
  await db.drop();
  await lake?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A new session of the caller's role user (signInEveryRole's password is `<role>-pw`). */
async function freshSession(role: Role): Promise<string> {
  const res = await loginRoute.POST(
    req('POST', '/api/auth/login', CSRF_HEADERS, { username: role, password: `${role}-pw` }),
    undefined,
  );
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`login as ${role} failed: ${res.status}`);
  return cookie;
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const name = (n: string) => params({ name: n });
const table = (t: string) => params({ table: t });

// Rows run in order, each caller in turn (anonymous, frontend, analyst, admin): the admin's POST /api/schedules
// creates the 'permits' schedule that the later rows change, run and finally delete.
const rows: RouteRow[] = [
  {
    route: 'health',
    method: 'GET',
    expect: everyone(200),
    call: async () => healthRoute.GET(),
    check: (_res, body) => assert.equal(json(body).status, 'ok'),
  },
  {
    // Public: anyone may sign in (here as the analyst), whether or not they hold a session already.
    route: 'auth/login',
    method: 'POST',
    expect: everyone(200),
    call: (h) =>
      loginRoute.POST(
        req('POST', '/api/auth/login', h, { username: 'analyst', password: 'analyst-pw' }),
        undefined,
      ),
    check: (res) => assert.match(res.headers.get('set-cookie') ?? '', /HttpOnly/),
  },
  {
    // Logout revokes the session it is sent with, so each caller logs out a fresh session of its own rather
    // than the one the later rows use.
    route: 'auth/logout',
    method: 'POST',
    expect: everyone(200),
    call: async (h, caller) => {
      const headers = caller === 'anonymous' ? h : { ...h, cookie: await freshSession(caller) };
      return logoutRoute.POST(req('POST', '/api/auth/logout', headers), undefined);
    },
    check: (res) => assert.match(res.headers.get('set-cookie') ?? '', /Max-Age=0|Expires=/i),
  },
  {
    route: 'auth/failed-logins',
    method: 'GET',
    expect: only(['admin']),
    call: (h) => failedLoginsRoute.GET(req('GET', '/api/auth/failed-logins', h), undefined),
    check: (_res, body) => assert.ok(Array.isArray(json(body).failedLogins)),
  },
  {
    route: 'auth/me',
    method: 'GET',
    expect: only(['admin', 'analyst', 'frontend']),
    call: (h) => meRoute.GET(req('GET', '/api/auth/me', h), undefined),
    check: (_res, body, caller) => assert.equal((json(body).user as { username: string }).username, caller),
  },
  {
    route: 'schedules',
    method: 'GET',
    expect: only(['admin']),
    call: (h) => schedulesRoute.GET(req('GET', '/api/schedules', h), undefined),
  },
  {
    route: 'schedules',
    method: 'POST',
    expect: only(['admin'], 201),
    call: (h) =>
      schedulesRoute.POST(
        req('POST', '/api/schedules', h, {
          name: 'permits',
          jobType: 'pipeline.run',
          target: 'permits',
          cron: '0 * * * *',
        }),
        undefined,
      ),
  },
  {
    route: 'schedules/[name]',
    method: 'PATCH',
    expect: only(['admin']),
    call: (h) =>
      scheduleRoute.PATCH(req('PATCH', '/api/schedules/permits', h, { paused: true }), name('permits')),
  },
  {
    route: 'schedules/[name]/run',
    method: 'POST',
    expect: only(['admin'], 202),
    call: (h) => scheduleRunRoute.POST(req('POST', '/api/schedules/permits/run', h, {}), name('permits')),
  },
  {
    // Queues a one-off pipeline.reconcile job (no schedule needed); only the admin's call gets that far.
    route: 'pipelines/[name]/reconcile',
    method: 'POST',
    expect: only(['admin'], 202),
    call: (h) =>
      reconcileRoute.POST(
        req('POST', '/api/pipelines/reconcile-me/reconcile', h, { repair: true }),
        name('reconcile-me'),
      ),
    check: (_res, body) =>
      assert.deepEqual(json(body), { queued: true, target: 'reconcile-me', repair: true }),
  },
  {
    // The rows above created, paused and ran the 'permits' schedule as the admin: each is in the audit list.
    route: 'schedule-changes',
    method: 'GET',
    expect: only(['admin']),
    call: (h) => scheduleChangesRoute.GET(req('GET', '/api/schedule-changes?schedule=permits', h), undefined),
    check: (_res, body) => {
      const changes = json(body).changes as { action: string; actor: string }[];
      assert.deepEqual(
        changes.map((c) => `${c.actor}:${c.action}`),
        ['admin:run-now', 'admin:pause', 'admin:create'],
      );
    },
  },
  {
    route: 'runs',
    method: 'GET',
    expect: only(['admin']),
    call: (h) => runsRoute.GET(req('GET', '/api/runs?pipeline=permits', h), undefined),
  },
  {
    // A full reload of a demo table (PIPELINES_DIR defaults to the demo's folder): queued for the worker.
    route: 'runs',
    method: 'POST',
    variant: '{pipeline, table}: full reload',
    expect: only(['admin'], 202),
    call: (h) =>
      runsRoute.POST(req('POST', '/api/runs', h, { pipeline: 'county-ops', table: 'parcels' }), undefined),
    check: (_res, body) => assert.deepEqual(json(body).options, { tables: ['parcels'], full: true }),
  },
  {
    route: 'runs',
    method: 'POST',
    variant: 'an empty range: refused',
    expect: only(['admin'], 400),
    call: (h) =>
      runsRoute.POST(
        req('POST', '/api/runs', h, {
          pipeline: 'county-ops',
          table: 'building_permits',
          from: '2026-01-02',
          to: '2026-01-01',
        }),
        undefined,
      ),
    check: (_res, body) => assert.match(body, /from .*must come before to/),
  },
  {
    route: 'runs/[id]',
    method: 'GET',
    expect: only(['admin']),
    call: (h) => runRoute.GET(req('GET', `/api/runs/${runId}`, h), params({ id: runId })),
  },
  {
    route: 'runs/[id]',
    method: 'POST',
    variant: '{action: cancel}',
    expect: only(['admin']),
    call: (h) =>
      runRoute.POST(req('POST', `/api/runs/${runId}`, h, { action: 'cancel' }), params({ id: runId })),
  },
  {
    route: 'lineage',
    method: 'GET',
    expect: only(['admin', 'analyst', 'frontend']),
    call: (h) =>
      lineageRoute.GET(
        req('GET', '/api/lineage?namespace=file%3A%2F%2Flocalhost&name=%2Flake%2Ftables%2Fpermits', h),
        undefined,
      ),
  },
  {
    route: 'lineage/datasets',
    method: 'GET',
    expect: only(['admin', 'analyst', 'frontend']),
    call: (h) => lineageDatasetsRoute.GET(req('GET', '/api/lineage/datasets', h), undefined),
  },
  {
    route: 'sync/status',
    method: 'GET',
    expect: only(['admin', 'frontend']),
    skip: mariaDbSkip,
    call: (h) => syncStatusRoute.GET(req('GET', '/api/sync/status', h), undefined),
  },
  {
    route: 'sync/status',
    method: 'GET',
    variant: '?format=prometheus',
    expect: only(['admin', 'frontend']),
    skip: mariaDbSkip,
    call: (h) => syncStatusRoute.GET(req('GET', '/api/sync/status?format=prometheus', h), undefined),
  },
  {
    // permits is at v1: the admin's call restores v0 as v2.
    route: 'catalog/tables/[table]/restore',
    method: 'POST',
    expect: only(['admin']),
    skip: mariaDbSkip,
    call: (h) =>
      restoreRoute.POST(
        req('POST', '/api/catalog/tables/permits/restore', h, { version: 0 }),
        table('permits'),
      ),
  },
  {
    route: 'schedules/[name]',
    method: 'DELETE',
    expect: only(['admin']),
    call: (h) => scheduleRoute.DELETE(req('DELETE', '/api/schedules/permits', h), name('permits')),
  },
  ...alertRouteRows(),
];

describe('route × caller', () => {
  routeTableTests(rows, cookies);

  it('answers invalid input with INVALID_INPUT and the field', async () => {
    const res = await schedulesRoute.POST(
      req('POST', '/api/schedules', { cookie: cookies.admin!, ...CSRF_HEADERS }, { name: 'Bad Name' }),
      undefined,
    );
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /name/);
  });

  it('every route file and method under app/api outside the workbench has a row', () =>
    assertTableCoversRoutes(
      rows,
      (route) => !WORKBENCH_ROUTES.includes(route) && !REPORT_ROUTES.includes(route),
    ));
});
