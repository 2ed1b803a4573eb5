// Queue a table reload or a time-range re-extract as a one-off `pipeline.run` job, so it goes through the worker
// like every run: the pipeline's lock, a run record with progress and logs, lineage, then the MySQL sync. Its
// request is checked here, before anything is queued (the pipeline and table exist, the range is a range, the
// table has a watermark for it), so a bad request is refused with a clear message and leaves nothing behind.

import { z } from 'zod';
import { PIPELINE_NAME } from '@/pipelines/definition/definition-schema';
import { resolveDefinitionName } from '@/pipelines/definition/definitions-dir';
import { isPipelineError } from '@/pipelines/definition/errors';
import { findTable, loadDefinition } from '@/pipelines/definition/load-definition';
import type { JobRunOptions } from '@/pipelines/runner/job-context';
import { findRangeTable, parseTimeRange } from '@/pipelines/runner/repair-range';
import { ApiError } from '../api/errors';
import type { OneOffJobData } from './define-jobs';
import { assertNoManualRunOf, type SchedulerContext } from './schedules';

export const reloadRequestSchema = z
  .object({
    pipeline: z.string().regex(PIPELINE_NAME, 'a pipeline name (lower-case letters, digits, "_" and "-")'),
    table: z.string().min(1).max(128),
    /** Both or neither: a time range of the watermark, [from, to). */
    from: z.string().min(1).max(40).optional(),
    to: z.string().min(1).max(40).optional(),
  })
  .strict()
  .refine((r) => (r.from === undefined) === (r.to === undefined), {
    message: 'give both from and to for a time range, or neither for a full reload',
  });

export type ReloadRequest = z.infer<typeof reloadRequestSchema>;

export interface QueuedReload {
  queued: true;
  target: string;
  options: JobRunOptions;
}

async function checkOptions(request: ReloadRequest, pipelinesDir: string): Promise<JobRunOptions> {
  try {
    const definition = await loadDefinition(resolveDefinitionName(request.pipeline, pipelinesDir));
    if (request.from === undefined || request.to === undefined) {
      findTable(definition, request.table);
      return { tables: [request.table], full: true };
    }
    findRangeTable(definition, request.table);
    return { range: { table: request.table, ...parseTimeRange(request.from, request.to) } };
  } catch (error) {
    if (!isPipelineError(error)) throw error;
    const missing = error.code === 'DEFINITION_NOT_FOUND' || error.code === 'UNKNOWN_TABLE';
    throw new ApiError(missing ? 'NOT_FOUND' : 'INVALID_INPUT', error.message, { cause: error });
  }
}

/** Checks the request, then queues it; refused with CONFLICT while the pipeline has a run active or queued. */
export async function queueReload(
  ctx: SchedulerContext,
  pipelinesDir: string,
  input: unknown,
): Promise<QueuedReload> {
  const parsed = reloadRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new ApiError('INVALID_INPUT', parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const request = parsed.data;
  const options = await checkOptions(request, pipelinesDir);
  await assertNoManualRunOf(ctx, request.pipeline);
  const data: OneOffJobData = {
    target: request.pipeline,
    trigger: 'manual',
    attempt: 1,
    scheduledFor: null,
    options,
  };
  await ctx.agenda.now('pipeline.run', data);
  return { queued: true, target: request.pipeline, options };
}
