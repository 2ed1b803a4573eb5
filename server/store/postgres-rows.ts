// Row ↔ record mapping for the PostgreSQL control store.

import type { LineageNode, RunRecord } from './types';

export type Row = Record<string, unknown>;

export function toRun(r: Row): RunRecord {
  const message = r.error_message as string | null;
  return {
    id: r.id as string,
    pipeline: r.pipeline as string,
    jobType: r.job_type as string,
    trigger: r.trigger as RunRecord['trigger'],
    attempt: r.attempt as number,
    status: r.status as RunRecord['status'],
    scheduledFor: (r.scheduled_for as Date | null) ?? null,
    startedAt: r.started_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    heartbeatAt: r.heartbeat_at as Date,
    progress: (r.progress as RunRecord['progress']) ?? {},
    results: (r.results as RunRecord['results'] | undefined) ?? {},
    error:
      message === null
        ? null
        : {
            message,
            ...(r.error_stack ? { stack: r.error_stack as string } : {}),
            ...(r.error_code ? { code: r.error_code as string } : {}),
          },
    lockKey: (r.lock_key as string | null) ?? null,
    worker: (r.worker as string | null) ?? null,
    cancelRequested: r.cancel_requested as boolean,
  };
}

export function toNode(r: Row): LineageNode {
  return {
    id: r.id as string,
    kind: r.kind as LineageNode['kind'],
    namespace: r.namespace as string,
    name: r.name as string,
    latestStatus: r.latest_status as LineageNode['latestStatus'],
    latestRunId: r.latest_run_id as string,
    latestVersion: (r.latest_version as string | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}
