// Every control-plane route × role (admin, analyst, frontend, anonymous), denied cases included, plus CSRF
// refusal: the handlers are called directly with Request objects on a temporary control database.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { login } from '../../server/api/auth-routes';
import { getLineage, getRun, getRuns, postRunAction } from '../../server/api/run-routes';
import {
  getSchedules,
  patchSchedule,
  postRunNow,
  postSchedule,
  removeSchedule,
} from '../../server/api/schedule-routes';
import { getControlPlane } from '../../server/api/control-plane';
import { closeAgenda } from '../../server/scheduler/create-agenda';
import { CSRF_HEADERS, writeUsersFile } from '../support/auth';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

type Role = 'admin' | 'analyst' | 'frontend' | 'anonymous';
const base = 'http://127.0.0.1:3000';
const saved = { ...process.env };
let db: TempDatabase;
let dir: string;
const cookies: Partial<Record<Role, string>> = {};
let runId = '';

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
  const { agenda, store } = await getControlPlane();
  await closeAgenda(agenda, false);
  await store.close();
  process.env = saved;
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

interface Route {
  label: string;
  call: (headers: Record<string, string>) => Promise<Response>;
  /** Roles allowed; everyone else gets 403, anonymous 401. */
  allowed: Role[];
}

const req = (method: string, url: string, headers: Record<string, string>, body?: unknown) =>
  new Request(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const name = (n: string) => ({ params: Promise.resolve({ name: n }) });
const id = () => ({ params: Promise.resolve({ id: runId }) });

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
    label: 'DELETE /api/schedules/[name]',
    allowed: ['admin'],
    call: (h) => removeSchedule(req('DELETE', '/api/schedules/permits', h), name('permits')),
  },
];

describe('route × role', () => {
  for (const route of routes) {
    for (const role of ['anonymous', 'frontend', 'analyst', 'admin'] as const) {
      const expected = role === 'anonymous' ? 401 : route.allowed.includes(role) ? 'ok' : 403;
      it(`${route.label} as ${role} → ${expected}`, async () => {
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

  it('answers invalid input with INVALID_INPUT and the field', async () => {
    const res = await postSchedule(
      req('POST', '/api/schedules', { cookie: cookies.admin!, ...CSRF_HEADERS }, { name: 'Bad Name' }),
      undefined,
    );
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /name/);
  });
});
