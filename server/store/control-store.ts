// The one interface to the control database (ARCHITECTURE.md §4): PostgreSQL and MongoDB implement it, and
// test/store/control-store-contract.ts holds both to the same behaviour.

import type { AlertStore } from '../alerts/alert-store';
import type {
  DatasetRef,
  LineageGraph,
  LineageNode,
  LineageGraphQuery,
  ListLineageEventsQuery,
  ListRunsQuery,
  ListScheduleChangesQuery,
  LogLevel,
  NewRun,
  NewScheduleChange,
  RunError,
  RunEvent,
  RunLogLine,
  RunProgress,
  RunRecord,
  RunResults,
  RunStatus,
  ScheduleChange,
} from './types';

export interface ControlStore {
  /** Alert channels, rules, open incidents and the alert history (server/alerts). */
  readonly alerts: AlertStore;

  /** Create tables/collections and indexes; idempotent and safe to call from several processes at once. */
  init(): Promise<void>;
  close(): Promise<void>;

  createRun(run: NewRun): Promise<RunRecord>;
  /** Merge counters into the run's progress and refresh its heartbeat. Ignored once the run finished. */
  updateProgress(id: string, progress: RunProgress, now: Date): Promise<void>;
  /**
   * Finish a running run. Returns the record, or null when the run was already finished (e.g. marked
   * abandoned meanwhile): the first verdict stands.
   */
  finishRun(
    id: string,
    outcome: {
      status: Exclude<RunStatus, 'running'>;
      error?: RunError | null;
      now: Date;
      /** Stored with the run (absent: the record keeps what it has). */
      results?: RunResults;
    },
  ): Promise<RunRecord | null>;
  appendLog(id: string, line: { level: LogLevel; message: string; at: Date }): Promise<void>;
  /** Oldest first; the last `limit` lines (default 1000). */
  listLogs(id: string, limit?: number): Promise<RunLogLine[]>;
  getRun(id: string): Promise<RunRecord | null>;
  listRuns(query?: ListRunsQuery): Promise<RunRecord[]>;
  /** Ask the worker running it to stop; false when the run is unknown or already finished. */
  requestCancel(id: string): Promise<boolean>;

  /**
   * Take the lock `key` for `owner` until now + ttlMs. True when taken: it was free, expired, or already
   * held by the same owner (which renews it). Atomic across processes.
   */
  acquireLock(key: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Extend a lock still held by owner; false when it was lost (expired and taken by another). */
  renewLock(key: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLock(key: string, owner: string): Promise<void>;
  /** The current holder of a live lock, if any. */
  lockHolder(key: string, now: Date): Promise<string | null>;
  /**
   * Mark abandoned every running run whose lock (lockKey, owned by the run's id) is no longer live: its
   * worker died. Returns the runs it marked.
   */
  abandonOrphanedRuns(now: Date): Promise<RunRecord[]>;

  /** Store a RunEvent and fold it into the lineage graph (nodes with latest status and version, edges). */
  saveLineageEvent(event: RunEvent): Promise<void>;
  /** Oldest first. */
  listLineageEvents(query?: ListLineageEventsQuery): Promise<RunEvent[]>;
  lineageGraph(dataset: DatasetRef, query: LineageGraphQuery): Promise<LineageGraph>;
  /** Every dataset any lineage event has named, with its latest version and status (in no set order). */
  listLineageDatasets(): Promise<LineageNode[]>;

  /** Append one entry to the schedules' audit list (never changed or removed afterwards). */
  recordScheduleChange(change: NewScheduleChange): Promise<ScheduleChange>;
  /** Newest first. */
  listScheduleChanges(query?: ListScheduleChangesQuery): Promise<ScheduleChange[]>;
}
