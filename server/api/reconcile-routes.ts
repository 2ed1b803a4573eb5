// Logic behind POST /api/pipelines/[name]/reconcile: an admin starts a reconcile of a pipeline through the worker
// (issue 14), comparing its tables with the source and, with `repair: true`, re-extracting the differing keys.
// validate (zod) → authorize → one command → present (202: queued; the run page shows its figures and keys).

import { z } from 'zod';
import { PIPELINE_NAME } from '@/pipelines/definition/definition-schema';
import { authorize } from '../auth/authorize';
import { queueReconcile } from '../scheduler/schedules';
import { getControlPlane } from './control-plane';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';
import type { NameParams } from './schedule-routes';

const pipelineName = z
  .string()
  .regex(PIPELINE_NAME, 'a pipeline name is lower-case letters, digits, "_" or "-"');
const reconcileInput = z.object({ repair: z.boolean().default(false) }).strict();

export const postReconcile = handleRoute<NameParams>(async (request, context) => {
  const name = pipelineName.parse((await context.params).name);
  // Repair writes Delta and MySQL: the same permission as starting a run.
  await authorize(request, 'runs:write');
  const input = reconcileInput.parse(await readJsonBody(request));
  return jsonResponse(await queueReconcile(await getControlPlane(), name, input), { status: 202 });
});
