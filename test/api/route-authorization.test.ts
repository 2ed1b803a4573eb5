// Every control-plane route × role (admin, analyst, frontend, anonymous), denied cases included, plus CSRF
// refusal: the handlers are called directly with Request objects on a temporary control database.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { login } from '../../server/api/auth-routes';
import { getLineageDatasets } from '../../server/api/lineage-datasets';
import { getLineage, getRun, getRuns, postRunAction } from '../../server/api/run-routes';
import {
  getSchedules,
  patchSchedule,
  postRunNow,
  postSchedule,
  removeSchedule,
} from '../../server/api/schedule-routes';
import { closeControlPlane, getControlPlane } from '../../server/api/control-plane';
import { postRestore } from '../../server/api/restore-routes';
import { getSyncStatus } from '../../server/api/sync-routes';
import { CSRF_HEADERS, writeUsersFile } from '../support/auth';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { createSyncedLake, type SyncedLake } from '../sync/synced-lake';

type Role = 'admin' | 'analyst' | 'frontend' | 'anonymous';
const base = 'http://127.0.0.1:3000';
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
  process.env.SESSION_SECRET = 'route-test-secret-that-is-long-enough-0123';
  process.env.USERS_FILE = await writeUsersFile(
    dir,
    (['admin', 'analyst', 'frontend'] as const).map((r) => ({
      username: r,
      password: `${r}-pw`,
      roles: [r],
    })),
  );
  for (const role of ['admin', 'analyst', 'frontend'] as const) {
    const res = await login(
      new Request(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...CSRF_HEADERS },
        body: JSON.stringify({ username: role, password: `${role}-pw` }),
      }),
      undefined,
    );
    cookies[role] = res.headers.get('set-cookie')!.split(';')[0]!;
  }
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

interface Route {
  label: string;
  call: (headers: Record<string, string>) => Promise<Response>;
  /** Roles allowed; everyone else gets 403, anonymous 401. */
  allowed: Role[];
  /** Why the route cannot be exercised here (a service is down). */
  skip?: string | false;
}

const req = (method: string, url: string, headers: Record<string, string>, body?: unknown) =>
  new Request(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const name = (n: string) => ({ params: Promise.resolve({ name: n }) });
const id = () => ({ params: Promise.resolve({ id: runId }) });
const table = (t: string) => ({ params: Promise.resolve({ table: t }) });

const routes: Route[] = [
  {
    label: 'GET /api/schedules',
    allowed: ['admin'],
    call: (h) => getSchedules(req('GET', '/api/schedules', h), undefined),
  },
  {
    label: 'POST /api/schedules',
    allowed: ['admin'],
    call: (h) =>
      postSchedule(
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
    label: 'PATCH /api/schedules/[name]',
    allowed: ['admin'],
    call: (h) => patchSchedule(req('PATCH', '/api/schedules/permits', h, { paused: true }), name('permits')),
  },
  {
    label: 'POST /api/schedules/[name]/run',
    allowed: ['admin'],
    call: (h) => postRunNow(req('POST', '/api/schedules/permits/run', h, {}), name('permits')),
  },
  {
    label: 'GET /api/runs',
    allowed: ['admin'],
    call: (h) => getRuns(req('GET', '/api/runs?pipeline=permits', h), undefined),
  },
  {
    label: 'GET /api/runs/[id]',
    allowed: ['admin'],
    call: (h) => getRun(req('GET', `/api/runs/${runId}`, h), id()),
  },
  {
    label: 'POST /api/runs/[id] cancel',
    allowed: ['admin'],
    call: (h) => postRunAction(req('POST', `/api/runs/${runId}`, h, { action: 'cancel' }), id()),
  },
  {
    label: 'GET /api/lineage',
    allowed: ['admin', 'analyst', 'frontend'],
    call: (h) =>
      getLineage(
        req('GET', '/api/lineage?namespace=file%3A%2F%2Flocalhost&name=%2Flake%2Ftables%2Fpermits', h),
        undefined,
      ),
  },
  {
    label: 'GET /api/sync/status',
    allowed: ['admin', 'frontend'],
    skip: mariaDbSkip,
    call: (h) => getSyncStatus(req('GET', '/api/sync/status', h), undefined),
  },
  {
    label: 'GET /api/sync/status?format=prometheus',
    allowed: ['admin', 'frontend'],
    skip: mariaDbSkip,
    call: (h) => getSyncStatus(req('GET', '/api/sync/status?format=prometheus', h), undefined),
  },
  {
    // permits is at v1: the admin's call restores v0 as v2.
    label: 'POST /api/catalog/tables/[table]/restore',
    allowed: ['admin'],
    skip: mariaDbSkip,
    call: (h) =>
      postRestore(req('POST', '/api/catalog/tables/permits/restore', h, { version: 0 }), table('permits')),
  },
  {
    label: 'GET /api/lineage/datasets',
    allowed: ['admin', 'analyst', 'frontend'],
    call: (h) => getLineageDatasets(req('GET', '/api/lineage/datasets', h), undefined),
  },
  {
    label: 'DELETE /api/schedules/[name]',
    allowed: ['admin'],
    call: (h) => removeSchedule(req('DELETE', '/api/schedules/permits', h), name('permits')),
  },
];

describe('route × role', () => {
  for (const route of routes) {
    for (const role of ['anonymous', 'frontend', 'analyst', 'admin'] as const) {
      const expected = role === 'anonymous' ? 401 : route.allowed.includes(role) ? 'ok' : 403;
      it(`${route.label} as ${role} → ${expected}`, { skip: route.skip ?? false }, async () => {
        const headers: Record<string, string> = {
          ...CSRF_HEADERS,
          ...(cookies[role as Exclude<Role, 'anonymous'>]
            ? { cookie: cookies[role as Exclude<Role, 'anonymous'>]! }
            : {}),
        };
        const res = await route.call(headers);
        const body = await res.text();
        if (expected === 'ok') assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${body}`);
        else {
          assert.equal(res.status, expected, body);
          assert.equal(JSON.parse(body).error.code, expected === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
        }
      });
    }
  }

  it('refuses a state-changing request without the CSRF header, or from another origin', async () => {
    const cookie = cookies.admin!;
    for (const headers of [{ cookie }, { cookie, ...CSRF_HEADERS, origin: 'https://evil.example' }]) {
      const res = await postSchedule(
        req('POST', '/api/schedules', headers, {
          name: 'x',
          jobType: 'sync.run',
          target: 'x',
          cron: '0 * * * *',
        }),
        undefined,
      );
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'CSRF');
    }
  });

  it('refuses a restore without the CSRF header, or from another origin', { skip: mariaDbSkip }, async () => {
    const cookie = cookies.admin!;
    for (const headers of [{ cookie }, { cookie, ...CSRF_HEADERS, origin: 'https://evil.example' }]) {
      const res = await postRestore(
        req('POST', '/api/catalog/tables/permits/restore', headers, { version: 0 }),
        table('permits'),
      );
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'CSRF');
    }
  });

  it('answers invalid input with INVALID_INPUT and the field', async () => {
    const res = await postSchedule(
      req('POST', '/api/schedules', { cookie: cookies.admin!, ...CSRF_HEADERS }, { name: 'Bad Name' }),
      undefined,
    );
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /name/);
  });
});
