// The control database's records: runs (with progress, errors and logs), locks and lineage.

import type { RunEvent, RunEventType } from '@/pipelines/lineage';
import type { JobProgress, LogLevel, RunResults } from '@/pipelines/runner/job-context';

export type { RunResults };

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'abandoned';
export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'abandoned',
];
export const FINISHED_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'abandoned'];

export type RunTrigger = 'schedule' | 'manual' | 'retry';

/** Counters per stage, as runners report them (JobProgress); the store merges each report into the record. */
export type RunProgress = JobProgress;

export interface RunError {
  message: string;
  stack?: string;
  code?: string;
}

export interface RunRecord {
  id: string;
  /** The pipeline (or table, for maintenance) this run works on; at most one run per pipeline at a time. */
  pipeline: string;
  jobType: string;
  trigger: RunTrigger;
  attempt: number;
  status: RunStatus;
  /** The scheduled time this run stands for (OpenLineage nominalTime), if any. */
  scheduledFor: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  progress: RunProgress;
  error: RunError | null;
  /** What the run found (data-quality checks, reconcile figures); {} until it finishes with some. */
  results: RunResults;
  /** The lock this run holds while it runs; a run whose lock has expired was abandoned by its worker. */
  lockKey: string | null;
  /** Which process runs it (host:pid), for people reading the record. */
  worker: string | null;
  cancelRequested: boolean;
}

export interface NewRun {
  id?: string;
  pipeline: string;
  jobType: string;
  trigger: RunTrigger;
  attempt?: number;
  scheduledFor?: Date | null;
  lockKey?: string | null;
  worker?: string | null;
  startedAt: Date;
}

export type { LogLevel };

export interface RunLogLine {
  at: Date;
  level: LogLevel;
  message: string;
}

export interface ListRunsQuery {
  pipeline?: string;
  status?: RunStatus;
  /** Only runs of this job type (a pipeline's hourly run and its maintenance share the pipeline name). */
  jobType?: string;
  /** Newest first; default 50, at most 500. */
  limit?: number;
}

export interface DatasetRef {
  namespace: string;
  name: string;
}

export type LineageNodeKind = 'dataset' | 'job';

export interface LineageNode {
  /** `dataset:<namespace>:<name>` or `job:<namespace>:<name>`. */
  id: string;
  kind: LineageNodeKind;
  namespace: string;
  name: string;
  /** The event type of the latest run that touched this node. */
  latestStatus: RunEventType;
  latestRunId: string;
  /** The latest dataset version seen (datasetVersion facet); jobs have none. */
  latestVersion: string | null;
  updatedAt: Date;
}

export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface LineageGraphQuery {
  direction: 'upstream' | 'downstream' | 'both';
  /** Dataset-to-dataset hops (each through one job), 1 to 10. */
  depth: number;
}

export interface ListLineageEventsQuery {
  runId?: string;
  job?: { namespace: string; name: string };
  limit?: number;
}

export const SCHEDULE_ACTIONS = ['create', 'edit', 'pause', 'resume', 'delete', 'run-now'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];

/** A schedule's fields as an audit entry records them before and after a change. */
export type ScheduleFields = Record<string, string | boolean | null>;

/** One admin change of a schedule: who, what, when, and the schedule's fields before → after. */
export interface ScheduleChange {
  id: string;
  at: Date;
  /** The admin's user name (or `shell:<os user>` from `npm run runs`). */
  actor: string;
  schedule: string;
  action: ScheduleAction;
  /** null for a create (and for a run now, which changes no field). */
  before: ScheduleFields | null;
  /** null for a delete (and for a run now). */
  after: ScheduleFields | null;
}

export type NewScheduleChange = Omit<ScheduleChange, 'id'>;

export interface ListScheduleChangesQuery {
  schedule?: string;
  /** Newest first; default 100, at most 500. */
  limit?: number;
}

export type { RunEvent };
