// ControlStore on MongoDB (production's control database). Same behaviour as the PostgreSQL store, held to
// it by the same contract suite when MONGODB_URL is set. Locks are documents keyed by _id: an upsert whose
// filter only matches a free/expired/own lock, so a live lock held by another makes the upsert collide on
// _id (duplicate key, code 11000), which means "not acquired".

import { randomUUID } from 'node:crypto';
import { MongoClient, MongoServerError, type Collection, type Db } from 'mongodb';
import type { RunEvent } from '@/pipelines/lineage';
import { MongoAlertStore } from '../alerts/mongo-alert-store';
import type { ControlStore } from './control-store';
import { foldEvent, walkLineage } from './lineage-fold';
import type {
  LineageNode,
  ListRunsQuery,
  ListScheduleChangesQuery,
  NewScheduleChange,
  RunLogLine,
  RunRecord,
  ScheduleChange,
} from './types';

type RunDoc = Omit<RunRecord, 'id'> & { _id: string };
type LogDoc = RunLogLine & { runId: string; seq: number };
type LockDoc = { _id: string; owner: string; expiresAt: Date };
type EventDoc = { runId: string; seq: number; jobNamespace: string; jobName: string; event: RunEvent };
type NodeDoc = Omit<LineageNode, 'id'> & { _id: string };
type EdgeDoc = { _id: string; from: string; to: string };
type ScheduleChangeDoc = Omit<ScheduleChange, 'id'> & { _id: string; seq: number };

const clampLimit = (limit: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.floor(limit ?? fallback)));

function toRun({ _id, ...rest }: RunDoc): RunRecord {
  // Runs recorded before results existed have none.
  return { id: _id, ...rest, results: rest.results ?? {} };
}

// A per-process counter plus the clock orders logs and events written by one process; across processes the
// time part keeps them in order to the millisecond.
let seqCounter = 0;
const nextSeq = () => Date.now() * 1000 + (seqCounter++ % 1000);

export class MongoControlStore implements ControlStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  readonly alerts: MongoAlertStore;

  constructor(url: string) {
    this.client = new MongoClient(url);
    this.db = this.client.db(); // the database named in the URL
    this.alerts = new MongoAlertStore(this.db);
  }

  private get runs(): Collection<RunDoc> {
    return this.db.collection<RunDoc>('control_runs');
  }
  private get logs(): Collection<LogDoc> {
    return this.db.collection<LogDoc>('control_run_logs');
  }
  private get locks(): Collection<LockDoc> {
    return this.db.collection<LockDoc>('control_locks');
  }
  private get events(): Collection<EventDoc> {
    return this.db.collection<EventDoc>('lineage_events');
  }
  private get nodes(): Collection<NodeDoc> {
    return this.db.collection<NodeDoc>('lineage_nodes');
  }
  private get edges(): Collection<EdgeDoc> {
    return this.db.collection<EdgeDoc>('lineage_edges');
  }
  private get scheduleChanges(): Collection<ScheduleChangeDoc> {
    return this.db.collection<ScheduleChangeDoc>('control_schedule_changes');
  }

  async init(): Promise<void> {
    await this.client.connect();
    // createIndex is idempotent for identical specs, so concurrent starts are safe.
    await this.runs.createIndex({ pipeline: 1, startedAt: -1 });
    await this.runs.createIndex({ startedAt: -1 });
    await this.runs.createIndex({ status: 1 });
    await this.logs.createIndex({ runId: 1, seq: 1 });
    await this.events.createIndex({ runId: 1, seq: 1 });
    await this.events.createIndex({ jobNamespace: 1, jobName: 1, seq: 1 });
    await this.edges.createIndex({ from: 1 });
    await this.edges.createIndex({ to: 1 });
    await this.scheduleChanges.createIndex({ seq: -1 });
    await this.scheduleChanges.createIndex({ schedule: 1, seq: -1 });
    await this.alerts.init();
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async createRun(run: Parameters<ControlStore['createRun']>[0]): Promise<RunRecord> {
    const doc: RunDoc = {
      _id: run.id ?? randomUUID(),
      pipeline: run.pipeline,
      jobType: run.jobType,
      trigger: run.trigger,
      attempt: run.attempt ?? 1,
      status: 'running',
      scheduledFor: run.scheduledFor ?? null,
      startedAt: run.startedAt,
      finishedAt: null,
      heartbeatAt: run.startedAt,
      progress: {},
      results: {},
      error: null,
      lockKey: run.lockKey ?? null,
      worker: run.worker ?? null,
      cancelRequested: false,
    };
    await this.runs.insertOne(doc);
    return toRun(doc);
  }

  async updateProgress(id: string, progress: RunRecord['progress'], now: Date): Promise<void> {
    const set: Record<string, unknown> = { heartbeatAt: now };
    for (const [key, value] of Object.entries(progress)) {
      if (value !== undefined) set[`progress.${key}`] = value;
    }
    await this.runs.updateOne({ _id: id, status: 'running' }, { $set: set });
  }

  async finishRun(id: string, outcome: Parameters<ControlStore['finishRun']>[1]): Promise<RunRecord | null> {
    const error = outcome.error
      ? {
          message: outcome.error.message,
          ...(outcome.error.stack ? { stack: outcome.error.stack } : {}),
          ...(outcome.error.code ? { code: outcome.error.code } : {}),
        }
      : null;
    const doc = await this.runs.findOneAndUpdate(
      { _id: id, status: 'running' },
      {
        $set: {
          status: outcome.status,
          finishedAt: outcome.now,
          heartbeatAt: outcome.now,
          error,
          ...(outcome.results ? { results: outcome.results } : {}),
        },
      },
      { returnDocument: 'after' },
    );
    return doc ? toRun(doc) : null;
  }

  async appendLog(id: string, line: Parameters<ControlStore['appendLog']>[1]): Promise<void> {
    await this.logs.insertOne({ runId: id, seq: nextSeq(), ...line });
  }

  async listLogs(id: string, limit?: number): Promise<RunLogLine[]> {
    const docs = await this.logs
      .find({ runId: id })
      .sort({ seq: -1, _id: -1 })
      .limit(clampLimit(limit, 1000, 10_000))
      .toArray();
    return docs.reverse().map((d) => ({ at: d.at, level: d.level, message: d.message }));
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const doc = await this.runs.findOne({ _id: id });
    return doc ? toRun(doc) : null;
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunRecord[]> {
    const filter: Record<string, unknown> = {};
    if (query.pipeline) filter.pipeline = query.pipeline;
    if (query.status) filter.status = query.status;
    if (query.jobType) filter.jobType = query.jobType;
    const docs = await this.runs
      .find(filter)
      .sort({ startedAt: -1, _id: 1 })
      .limit(clampLimit(query.limit, 50, 500))
      .toArray();
    return docs.map(toRun);
  }

  async requestCancel(id: string): Promise<boolean> {
    const result = await this.runs.updateOne(
      { _id: id, status: 'running' },
      { $set: { cancelRequested: true } },
    );
    return result.matchedCount > 0;
  }

  async acquireLock(key: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    try {
      await this.locks.updateOne(
        { _id: key, $or: [{ expiresAt: { $lte: now } }, { owner }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs) } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async renewLock(key: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const result = await this.locks.updateOne(
      { _id: key, owner },
      { $set: { expiresAt: new Date(now.getTime() + ttlMs) } },
    );
    return result.matchedCount > 0;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.locks.deleteOne({ _id: key, owner });
  }

  async lockHolder(key: string, now: Date): Promise<string | null> {
    const doc = await this.locks.findOne({ _id: key, expiresAt: { $gt: now } });
    return doc?.owner ?? null;
  }

  async abandonOrphanedRuns(now: Date): Promise<RunRecord[]> {
    const running = await this.runs.find({ status: 'running', lockKey: { $ne: null } }).toArray();
    const abandoned: RunRecord[] = [];
    for (const run of running) {
      if ((await this.lockHolder(run.lockKey!, now)) === run._id) continue;
      const doc = await this.runs.findOneAndUpdate(
        { _id: run._id, status: 'running' },
        {
          $set: {
            status: 'abandoned',
            finishedAt: now,
            error: {
              message:
                'Abandoned: the worker running it stopped (its lock expired without the run finishing)',
            },
          },
        },
        { returnDocument: 'after' },
      );
      if (doc) abandoned.push(toRun(doc));
    }
    return abandoned;
  }

  async saveLineageEvent(event: RunEvent): Promise<void> {
    const { nodes, edges } = foldEvent(event);
    await this.events.insertOne({
      runId: event.run.runId,
      seq: nextSeq(),
      jobNamespace: event.job.namespace,
      jobName: event.job.name,
      event,
    });
    for (const { id, latestVersion, ...n } of nodes) {
      // Pipeline update: a newer event wins; a START (no version) keeps the last known version.
      const newer = { $lte: [{ $ifNull: ['$updatedAt', new Date(0)] }, n.updatedAt] };
      const fields = { ...n, latestVersion } as Record<string, unknown>;
      const set = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [
          k,
          k === 'latestVersion' && v === null
            ? { $ifNull: ['$latestVersion', null] }
            : { $cond: [newer, { $literal: v }, `$${k}`] },
        ]),
      );
      await this.nodes.updateOne({ _id: id }, [{ $set: set }], { upsert: true });
    }
    for (const e of edges) {
      await this.edges.updateOne({ _id: `${e.from}\u0000${e.to}` }, { $setOnInsert: e }, { upsert: true });
    }
  }

  async listLineageEvents(query: Parameters<ControlStore['listLineageEvents']>[0] = {}): Promise<RunEvent[]> {
    const filter: Record<string, unknown> = {};
    if (query.runId) filter.runId = query.runId;
    if (query.job) Object.assign(filter, { jobNamespace: query.job.namespace, jobName: query.job.name });
    const docs = await this.events
      .find(filter)
      .sort({ seq: -1, _id: -1 })
      .limit(clampLimit(query.limit, 200, 5000))
      .toArray();
    return docs.reverse().map((d) => d.event);
  }

  async listLineageDatasets(): Promise<LineageNode[]> {
    const docs = await this.nodes.find({ kind: 'dataset' }).toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  lineageGraph(
    dataset: Parameters<ControlStore['lineageGraph']>[0],
    query: Parameters<ControlStore['lineageGraph']>[1],
  ) {
    return walkLineage(
      dataset,
      query,
      async (ids, direction) => {
        const docs = await this.edges
          .find(direction === 'upstream' ? { to: { $in: ids } } : { from: { $in: ids } })
          .toArray();
        return docs.map((d) => ({ from: d.from, to: d.to }));
      },
      async (ids) => {
        const docs = await this.nodes.find({ _id: { $in: ids } }).toArray();
        return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
      },
    );
  }

  async recordScheduleChange(change: NewScheduleChange): Promise<ScheduleChange> {
    const id = randomUUID();
    await this.scheduleChanges.insertOne({ _id: id, seq: nextSeq(), ...change });
    return { id, ...change };
  }

  async listScheduleChanges(query: ListScheduleChangesQuery = {}): Promise<ScheduleChange[]> {
    const docs = await this.scheduleChanges
      .find(query.schedule ? { schedule: query.schedule } : {})
      .sort({ seq: -1, _id: -1 })
      .limit(clampLimit(query.limit, 100, 500))
      .toArray();
    return docs.map(({ _id, seq: _seq, ...rest }) => ({ id: _id, ...rest }));
  }
}
