// Issue 6's "done when", through the route handlers an admin's browser calls: the worker (real runners) has
// scheduled the demo pipeline from its definition; POST /api/schedules/county-ops/run queues a run, GET
// /api/runs/:id shows its progress while it runs and its record at the end, and GET /api/lineage answers the graph
// from the source table through the Delta table to the MySQL copy, with versions. A second run-now while one is
// active is refused with CONFLICT; an analyst may not start runs.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeControlPlane } from '../../server/api/control-plane';
import { getLineage, getRun, getRuns } from '../../server/api/run-routes';
import { getSchedules, postRunNow } from '../../server/api/schedule-routes';
import type { Role } from '../../server/auth/permissions';
import type { RunningWorker } from '../../server/scheduler/start-worker';
import type { LineageGraph, RunRecord } from '../../server/store/types';
import { BASE_URL, signInEveryRole } from '../api/role-sessions';
import { CSRF_HEADERS } from '../support/auth';
import { mysqlSkipReason, openRunnerServices, startRealWorker, type RunnerServices } from './services';

const skip = await mysqlSkipReason();
const saved = { ...process.env };
let services: RunnerServices;
let worker: RunningWorker;
let dir: string;
let cookies: Record<Role, string>;
const logs: string[] = [];

before(async () => {
  if (skip) return;
  services = await openRunnerServices('apirun');
  dir = await mkdtemp(path.join(tmpdir(), 'api-run-'));
  cookies = await signInEveryRole(dir);
  // The route handlers' control plane reads the configuration like the web process does.
  process.env.CONTROL_DB_URL = services.control.url;
  worker = await startRealWorker(services, `api-run-worker:${process.pid}`, (line) => logs.push(line));
});
after(async () => {
  process.env = saved;
  if (skip) return;
  await closeControlPlane();
  await worker?.stop(10_000);
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(
  handler: (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>,
  url: string,
  role: Role,
  init: RequestInit = {},
  params: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const request = new Request(`${BASE_URL}${url}`, {
    ...init,
    headers: { cookie: cookies[role], ...(init.headers as Record<string, string>) },
  });
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const runNow = (role: Role) =>
  call(
    postRunNow as never,
    '/api/schedules/county-ops/run',
    role,
    { method: 'POST', headers: { ...CSRF_HEADERS, origin: BASE_URL } },
    { name: 'county-ops' },
  );

describe('a run started from the API', { skip: skip ?? false }, () => {
  it('is refused to an analyst, then queued for an admin; it shows progress and ends with a record and lineage', async () => {
    const schedules = await call(getSchedules as never, '/api/schedules', 'admin');
    assert.equal(schedules.status, 200);
    const listed = (schedules.body.schedules as { name: string; cron: string }[]).map((s) => s.name);
    assert.ok(listed.includes('county-ops'), `schedules from the definition: ${listed.join(', ')}`);

    assert.equal((await runNow('analyst')).status, 403);
    const queued = await runNow('admin');
    assert.equal(queued.status, 202, JSON.stringify(queued.body));

    // Watch through the API: the run appears, reports stages while it runs, and finishes.
    const stages = new Set<string>();
    let conflictSeen = false;
    let run: RunRecord | undefined;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const list = await call(getRuns as never, '/api/runs?pipeline=county-ops', 'admin');
      const [latest] = list.body.runs as RunRecord[];
      if (latest) {
        const detail = await call(getRun as never, `/api/runs/${latest.id}`, 'admin', {}, { id: latest.id });
        run = detail.body.run as RunRecord;
        if (run.status === 'running') {
          if (run.progress.stage) stages.add(String(run.progress.stage));
          if (!conflictSeen) {
            const second = await runNow('admin');
            assert.equal(second.status, 409, 'a second run-now while one is active is refused');
            assert.match(
              String((second.body.error as { message: string }).message),
              /already running|already queued/,
            );
            conflictSeen = true;
          }
        } else break;
      }
      if (Date.now() > deadline) throw new Error(`the run did not finish; worker log:\n${logs.join('\n')}`);
      await sleep(50);
    }
    assert.equal(run.status, 'succeeded', run.error?.message);
    assert.equal(run.trigger, 'manual');
    assert.ok(stages.size > 0, 'progress stages were visible through the API while the run ran');
    assert.ok(conflictSeen, 'the active run was seen through the API');
    assert.ok(Number(run.progress.rowsExtracted) > 0 && Number(run.progress.rowsSynced) > 0);
    const detail = await call(getRun as never, `/api/runs/${run.id}`, 'admin', {}, { id: run.id });
    assert.ok((detail.body.logs as unknown[]).length > 0, 'the run record has log lines');

    // Lineage: downstream of the source table reaches the Delta table and its MySQL copy, with versions.
    const [, complete] = await services.store.listLineageEvents({ runId: run.id });
    const source = complete?.inputs.find((input) => input.name.endsWith('.parcels'));
    assert.ok(source, 'the COMPLETE event names the source table');
    const lineage = await call(
      getLineage as never,
      `/api/lineage?namespace=${encodeURIComponent(source.namespace)}` +
        `&name=${encodeURIComponent(source.name)}&direction=downstream&depth=3`,
      'analyst',
    );
    assert.equal(lineage.status, 200, JSON.stringify(lineage.body));
    const graph = lineage.body.graph as LineageGraph;
    const names = graph.nodes.map((node) => node.name);
    const delta = graph.nodes.find((node) => node.name === `${services.lake}/tables/parcels`);
    const mysql = graph.nodes.find((node) => node.name === `${services.mysql.name}.parcels`);
    assert.ok(delta, `the Delta table is downstream of the source (nodes: ${names.join(', ')})`);
    assert.equal(delta.latestVersion, '0');
    assert.equal(delta.latestStatus, 'COMPLETE');
    assert.ok(mysql, `the MySQL copy is downstream too (nodes: ${names.join(', ')})`);
    assert.equal(mysql.latestRunId, run.id);
  });
});
