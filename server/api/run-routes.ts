// Logic behind /api/runs, /api/runs/[id] and /api/lineage. POST /api/runs queues a table reload or a time-range
// re-extract through the worker (scheduler/reload.ts).

import { z } from 'zod';
import { authorize } from '../auth/authorize';
import { loadEnv } from '../config/env';
import { queueReload } from '../scheduler/reload';
import { cancelRun } from '../scheduler/schedules';
import { RUN_STATUSES, type RunStatus } from '../store/types';
import { getControlPlane } from './control-plane';
import { ApiError } from './errors';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';

export interface IdParams {
  params: Promise<{ id: string }>;
}

const listQuery = z.object({
  pipeline: z.string().min(1).max(200).optional(),
  status: z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const runId = z.string().uuid('a run id is a UUID');
const runAction = z.object({ action: z.literal('cancel') });
const lineageQuery = z.object({
  namespace: z.string().min(1).max(500),
  name: z.string().min(1).max(500),
  direction: z.enum(['upstream', 'downstream', 'both']).default('both'),
  depth: z.coerce.number().int().min(1).max(10).default(3),
});

const queryOf = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);

export const getRuns = handleRoute(async (request) => {
  const query = listQuery.parse(queryOf(request));
  await authorize(request, 'runs:read');
  const { store } = await getControlPlane();
  return jsonResponse({ runs: await store.listRuns(query) });
});

/** `{pipeline, table}` reloads the table in full; with `from` and `to`, re-extracts that watermark range. */
export const postRun = handleRoute(async (request) => {
  await authorize(request, 'runs:write');
  const body = await readJsonBody(request);
  const queued = await queueReload(await getControlPlane(), loadEnv().PIPELINES_DIR, body);
  return jsonResponse(queued, { status: 202 });
});

export const getRun = handleRoute<IdParams>(async (request, context) => {
  const id = runId.parse((await context.params).id);
  await authorize(request, 'runs:read');
  const { store } = await getControlPlane();
  const run = await store.getRun(id);
  if (!run) throw new ApiError('NOT_FOUND', `No run ${id}`);
  return jsonResponse({ run, logs: await store.listLogs(id, 500) });
});

export const postRunAction = handleRoute<IdParams>(async (request, context) => {
  const id = runId.parse((await context.params).id);
  await authorize(request, 'runs:write');
  runAction.parse(await readJsonBody(request));
  return jsonResponse({ run: await cancelRun(await getControlPlane(), id) });
});

export const getLineage = handleRoute(async (request) => {
  const query = lineageQuery.parse(queryOf(request));
  await authorize(request, 'lineage:read');
  const { store } = await getControlPlane();
  const graph = await store.lineageGraph(
    { namespace: query.namespace, name: query.name },
    { direction: query.direction, depth: query.depth },
  );
  return jsonResponse({ graph });
});
