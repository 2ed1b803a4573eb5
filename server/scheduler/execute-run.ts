// One run of one job, with the guarantees the issue asks for, independent of Agenda so it can be tested
// alone: a lock per target in the control database (at most one run per pipeline across processes), a run
// record with progress, logs and the error with its stack, OpenLineage START/COMPLETE/FAIL, a timeout and
// cancellation through one AbortSignal, and retries with exponential backoff.

import { randomUUID } from 'node:crypto';
import {
  buildCompleteEvent,
  buildFailEvent,
  buildStartEvent,
  type RunDescription,
} from '@/pipelines/lineage';
import type { RunEvent } from '@/pipelines/lineage';
import type { ControlStore } from '../store/control-store';
import type { RunError, RunRecord, RunStatus, RunTrigger } from '../store/types';
import {
  resultsOfError,
  type JobLineage,
  type JobRunOptions,
  type RunResults,
} from '@/pipelines/runner/job-context';
import type { JobRunner, JobType, RunContext } from './runner-types';
import { retryWhileUnreachable } from './retry-while-unreachable';

export interface Clock {
  now(): Date;
}

export interface RetryPolicy {
  /** Total attempts including the first; 1 disables retries. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RunRequest {
  jobType: JobType;
  target: string;
  trigger: RunTrigger;
  attempt: number;
  scheduledFor: Date | null;
  /** Set on retries: the run id of attempt 1. */
  firstRunId?: string;
  /** `pipeline.reconcile`: repair the differing keys. */
  repair?: boolean;
  /** A one-off run's options (a table reload, a time-range re-extract); kept across retries. */
  options?: JobRunOptions;
}

export type AbortKind = 'cancel' | 'timeout' | 'lost-lock' | 'shutdown';

export class RunAbort extends Error {
  constructor(
    readonly kind: AbortKind,
    message: string,
  ) {
    super(message);
    this.name = 'RunAbort';
  }
}

/** The runs of this process, so shutdown can abort what drain could not wait for. */
export class ActiveRuns {
  private readonly runs = new Map<string, AbortController>();
  add(id: string, controller: AbortController): void {
    this.runs.set(id, controller);
  }
  delete(id: string): void {
    this.runs.delete(id);
  }
  get size(): number {
    return this.runs.size;
  }
  abortAll(kind: AbortKind, message: string): void {
    for (const c of this.runs.values()) c.abort(new RunAbort(kind, message));
  }
}

export interface ExecuteRunDeps {
  store: ControlStore;
  clock: Clock;
  runner: JobRunner;
  /** host:pid of this process, recorded on the run. */
  worker: string;
  lockTtlMs: number;
  timeoutMs: number;
  retry: RetryPolicy;
  lineageNamespace: string;
  /** Saves (and optionally forwards) a lineage event; a failure here is logged, never fails the run. */
  emitLineage: (event: RunEvent) => Promise<void>;
  scheduleRetry?: (at: Date, request: RunRequest) => Promise<void>;
  /** Called on every heartbeat (the worker extends Agenda's own job lock there). */
  onHeartbeat?: () => Promise<void>;
  /** Runs of dead workers this run's start marked abandoned (the worker queues their retries). */
  onAbandoned?: (runs: RunRecord[]) => Promise<void>;
  activeRuns?: ActiveRuns;
  log?: (line: string) => void;
  /** How long to wait for a runner that ignores its aborted signal before recording the verdict. */
  abortGraceMs?: number;
  /**
   * How long the verdict's writes (last log line, run record, lock release) keep retrying while the control
   * database is unreachable, so a run whose work is done is recorded when the database is back instead of
   * being left "running". Default 10 minutes.
   */
  recordRetryMs?: number;
}

export type ExecuteOutcome =
  | { kind: 'skipped'; message: string; activeRunId: string | null }
  | { kind: 'finished'; run: RunRecord; retryAt: Date | null };

export const lockKeyFor = (target: string) => `run:${target}`;

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export async function executeRun(deps: ExecuteRunDeps, request: RunRequest): Promise<ExecuteOutcome> {
  const { store, clock } = deps;
  const log = deps.log ?? (() => undefined);
  const runId = randomUUID();
  const lockKey = lockKeyFor(request.target);
  const abandoned = await store.abandonOrphanedRuns(clock.now());
  if (abandoned.length > 0) await deps.onAbandoned?.(abandoned);
  if (!(await store.acquireLock(lockKey, runId, deps.lockTtlMs, clock.now()))) {
    const activeRunId = await store.lockHolder(lockKey, clock.now());
    const message = `${request.target} already has an active run${activeRunId ? ` (${activeRunId})` : ''}; this ${request.trigger} run did not start`;
    if (request.trigger === 'manual') {
      // A manual run that lost the race is recorded, so the admin who asked for it sees why nothing ran.
      const refused = await store.createRun({
        ...baseRun(deps, request),
        id: runId,
        lockKey: null,
        startedAt: clock.now(),
      });
      await store.finishRun(refused.id, {
        status: 'cancelled',
        error: { message, code: 'CONFLICT' },
        now: clock.now(),
      });
    }
    log(message);
    return { kind: 'skipped', message, activeRunId };
  }

  const controller = new AbortController();
  deps.activeRuns?.add(runId, controller);
  let run = await store.createRun({ ...baseRun(deps, request), id: runId, lockKey, startedAt: clock.now() });
  let lineage: JobLineage = {};
  const job = { namespace: deps.lineageNamespace, name: `${request.target}.${request.jobType}` };
  const nominalTime = request.scheduledFor ? { nominalTime: { start: request.scheduledFor } } : {};
  const description = (): RunDescription => ({
    runId,
    job,
    ...nominalTime,
    inputs: lineage.inputs ?? [],
    outputs: lineage.outputs ?? [],
    ...(lineage.linkedBySteps ? { linkedBySteps: true } : {}),
  });
  const emit = async (event: RunEvent) => {
    try {
      await deps.emitLineage(event);
    } catch (error) {
      log(`lineage event ${event.eventType} of run ${runId} not recorded: ${(error as Error).message}`);
    }
  };
  const appendLog: RunContext['log'] = (level, message) =>
    store.appendLog(runId, { level, message, at: clock.now() });

  const timeout = setTimeout(
    () => controller.abort(new RunAbort('timeout', `Timed out after ${Math.round(deps.timeoutMs / 1000)} s`)),
    deps.timeoutMs,
  );
  let lockLost = false;
  const heartbeat = setInterval(
    () => {
      void (async () => {
        if (!(await store.renewLock(lockKey, runId, deps.lockTtlMs, clock.now()))) {
          lockLost = true;
          controller.abort(
            new RunAbort('lost-lock', 'Lost the run lock (the control database was unreachable too long)'),
          );
          return;
        }
        const current = await store.getRun(runId);
        if (current?.cancelRequested) controller.abort(new RunAbort('cancel', 'Cancelled by an admin'));
        await deps.onHeartbeat?.();
      })().catch((error: Error) => log(`heartbeat of run ${runId} failed: ${error.message}`));
    },
    Math.max(50, Math.floor(deps.lockTtlMs / 3)),
  );
  // The run's own work keeps the process alive while it runs; these timers must not: a run stuck on work that
  // ignored its abort would otherwise hold a stopped worker (or a test process) open for ever, renewing a lock.
  timeout.unref();
  heartbeat.unref();

  let settled = true;
  let status: Exclude<RunStatus, 'running'> = 'succeeded';
  let runError: RunError | null = null;
  let retryable = false;
  let results: RunResults | undefined;
  try {
    await appendLog(
      'info',
      `${request.trigger} run of ${request.jobType} ${request.target} started (attempt ${request.attempt}) on ${deps.worker}`,
    );
    await emit(buildStartEvent(description(), clock.now()));
    const context: RunContext = {
      runId,
      firstRunId: request.firstRunId ?? runId,
      jobType: request.jobType,
      target: request.target,
      repair: request.repair ?? false,
      options: request.options ?? {},
      trigger: request.trigger,
      attempt: request.attempt,
      scheduledFor: request.scheduledFor,
      signal: controller.signal,
      progress: (p) => store.updateProgress(runId, p, clock.now()),
      log: appendLog,
      declareLineage: (l) => {
        lineage = { ...lineage, ...l };
      },
      reportStep: async (step) => {
        const stepRun: RunDescription = {
          runId: randomUUID(),
          job: { namespace: deps.lineageNamespace, name: `${request.target}.${step.name}` },
          parent: { runId, job },
          ...nominalTime,
          inputs: step.inputs ?? [],
          outputs: step.outputs ?? [],
        };
        await emit(buildStartEvent(stepRun, step.startedAt));
        await emit(
          step.error
            ? buildFailEvent(stepRun, clock.now(), step.error)
            : buildCompleteEvent(stepRun, clock.now()),
        );
      },
    };
    const work = deps.runner(context);
    const outcome = await settleOrGiveUp(work, controller.signal, deps.abortGraceMs ?? 5_000);
    settled = outcome.settled;
    if (outcome.error !== undefined || controller.signal.aborted) {
      throw controller.signal.aborted ? controller.signal.reason : outcome.error;
    }
    if (outcome.value?.lineage) lineage = { ...lineage, ...outcome.value.lineage };
    results = outcome.value?.results;
  } catch (error) {
    const abort = error instanceof RunAbort ? error : undefined;
    status = abort?.kind === 'cancel' ? 'cancelled' : 'failed';
    const e = error instanceof Error ? error : new Error(String(error));
    // A coded error (QUALITY_CHECK_FAILED, SYNC_FAILED, …) keeps its code on the record, for people and filters.
    const code = abort ? abort.kind.toUpperCase() : (e as { code?: unknown }).code;
    runError = {
      message: e.message,
      ...(e.stack ? { stack: e.stack } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    };
    // What a failing runner found (e.g. the checks that stopped it) is stored as a finished run's would be.
    results = resultsOfError(error);
    retryable =
      status === 'failed' && (e as { retryable?: boolean }).retryable !== false && abort?.kind !== 'shutdown';
  } finally {
    clearTimeout(timeout);
    clearInterval(heartbeat);
    deps.activeRuns?.delete(runId);
  }

  let retryAt: Date | null = null;
  if (status === 'failed' && retryable && deps.scheduleRetry && request.attempt < deps.retry.maxAttempts) {
    retryAt = new Date(clock.now().getTime() + backoffDelay(deps.retry, request.attempt));
  }
  const persist = <T>(what: string, write: () => Promise<T>) =>
    retryWhileUnreachable(write, {
      what: `${what} of run ${runId}`,
      forMs: deps.recordRetryMs ?? 10 * 60_000,
      log,
    });
  await persist('last log line', () =>
    appendLog(
      status === 'succeeded' ? 'info' : 'error',
      status === 'succeeded'
        ? 'finished'
        : `${status}: ${runError?.message ?? ''}${retryAt ? `; retry ${request.attempt + 1} of ${deps.retry.maxAttempts} at ${retryAt.toISOString()}` : ''}`,
    ),
  );
  const finalEvent =
    status === 'succeeded'
      ? buildCompleteEvent(description(), clock.now())
      : buildFailEvent(description(), clock.now(), {
          message: runError?.message ?? status,
          ...(runError?.stack ? { stack: runError.stack } : {}),
        });
  await persist(`lineage ${finalEvent.eventType}`, () => deps.emitLineage(finalEvent)).catch((error: Error) =>
    log(`lineage event ${finalEvent.eventType} of run ${runId} not recorded: ${error.message}`),
  );
  const finishedAt = clock.now();
  run =
    (await persist('record', () =>
      store.finishRun(runId, {
        status,
        error: runError,
        now: finishedAt,
        ...(results ? { results } : {}),
      }),
    )) ??
    (await store.getRun(runId)) ??
    run;
  // A runner that never settled may still be writing: keep its lock until it expires rather than let the
  // next run start on top of it. A lost lock belongs to someone else now.
  if (settled && !lockLost) await persist('lock release', () => store.releaseLock(lockKey, runId));
  if (retryAt && deps.scheduleRetry) {
    await deps.scheduleRetry(retryAt, {
      ...request,
      trigger: 'retry',
      attempt: request.attempt + 1,
      firstRunId: request.firstRunId ?? runId,
    });
  }
  return { kind: 'finished', run, retryAt };
}

function baseRun(deps: ExecuteRunDeps, request: RunRequest) {
  return {
    pipeline: request.target,
    jobType: request.jobType,
    trigger: request.trigger,
    attempt: request.attempt,
    scheduledFor: request.scheduledFor,
    worker: deps.worker,
  };
}

async function settleOrGiveUp<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
): Promise<{ settled: boolean; value?: T; error?: unknown }> {
  const result = work.then(
    (value) => ({ settled: true, value }),
    (error: unknown) => ({ settled: true, error: error ?? new Error('run failed') }),
  );
  const gaveUp = new Promise<{ settled: boolean }>((resolve) => {
    const onAbort = () => setTimeout(() => resolve({ settled: false }), graceMs).unref();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([result, gaveUp]);
}
