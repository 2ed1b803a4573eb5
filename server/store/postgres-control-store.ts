// ControlStore on PostgreSQL (node-postgres pool). Locks are rows with an expiry, taken by one atomic
// INSERT … ON CONFLICT DO UPDATE … WHERE, so two workers can never both hold one.

import pg from 'pg';
import type { RunEvent } from '@/pipelines/lineage';
import { PostgresAlertStore } from '../alerts/postgres-alert-store';
import { ALERT_SCHEMA_SQL } from '../alerts/postgres-alert-schema';
import type { ControlStore } from './control-store';
import { foldEvent, walkLineage } from './lineage-fold';
import { SCHEMA_LOCK_ID, SCHEMA_SQL } from './postgres-schema';
import { toNode, toRun, type Row } from './postgres-rows';
import type {
  LineageNode,
  ListRunsQuery,
  ListScheduleChangesQuery,
  NewScheduleChange,
  RunRecord,
  ScheduleChange,
} from './types';
import { logCleanupFailure } from '@/pipelines/support/cleanup';

const clampLimit = (limit: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.floor(limit ?? fallback)));

export class PostgresControlStore implements ControlStore {
  readonly pool: pg.Pool;
  readonly alerts: PostgresAlertStore;

  constructor(connectionString: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString, max: options.max ?? 5 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', (error) =>
      console.error(`[control-store] idle connection error: ${error.message}`),
    );
    this.alerts = new PostgresAlertStore(this.pool);
  }

  /** Runs work in one transaction on one pooled connection: committed when it resolves, rolled back if it throws. */
  private async inTransaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(logCleanupFailure("client.query('ROLLBACK')"));
      throw error;
    } finally {
      client.release();
    }
  }

  async init(): Promise<void> {
    await this.inTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_ID]);
      await client.query(SCHEMA_SQL);
      await client.query(ALERT_SCHEMA_SQL);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async createRun(run: Parameters<ControlStore['createRun']>[0]): Promise<RunRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO control_runs (id, pipeline, job_type, trigger, attempt, status, scheduled_for, started_at,
         heartbeat_at, lock_key, worker)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, 'running', $6, $7, $7, $8, $9)
       RETURNING *`,
      [
        run.id ?? null,
        run.pipeline,
        run.jobType,
        run.trigger,
        run.attempt ?? 1,
        run.scheduledFor ?? null,
        run.startedAt,
        run.lockKey ?? null,
        run.worker ?? null,
      ],
    );
    return toRun(rows[0] as Row);
  }

  async updateProgress(id: string, progress: RunRecord['progress'], now: Date): Promise<void> {
    await this.pool.query(
      `UPDATE control_runs SET progress = progress || $2::jsonb, heartbeat_at = $3
       WHERE id = $1 AND status = 'running'`,
      [id, JSON.stringify(progress), now],
    );
  }

  async finishRun(id: string, outcome: Parameters<ControlStore['finishRun']>[1]): Promise<RunRecord | null> {
    const { rows } = await this.pool.query(
      `UPDATE control_runs SET status = $2, finished_at = $3, heartbeat_at = $3,
         error_message = $4, error_stack = $5, error_code = $6, results = COALESCE($7::jsonb, results)
       WHERE id = $1 AND status = 'running' RETURNING *`,
      [
        id,
        outcome.status,
        outcome.now,
        outcome.error?.message ?? null,
        outcome.error?.stack ?? null,
        outcome.error?.code ?? null,
        outcome.results ? JSON.stringify(outcome.results) : null,
      ],
    );
    return rows[0] ? toRun(rows[0] as Row) : null;
  }

  async appendLog(id: string, line: Parameters<ControlStore['appendLog']>[1]): Promise<void> {
    await this.pool.query(
      'INSERT INTO control_run_logs (run_id, at, level, message) VALUES ($1, $2, $3, $4)',
      [id, line.at, line.level, line.message],
    );
  }

  async listLogs(id: string, limit?: number) {
    const { rows } = await this.pool.query(
      `SELECT at, level, message FROM (
         SELECT seq, at, level, message FROM control_run_logs WHERE run_id = $1 ORDER BY seq DESC LIMIT $2
       ) last ORDER BY seq`,
      [id, clampLimit(limit, 1000, 10_000)],
    );
    return rows.map((r: Row) => ({
      at: r.at as Date,
      level: r.level as 'info',
      message: r.message as string,
    }));
  }

  async getRun(id: string): Promise<RunRecord | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query('SELECT * FROM control_runs WHERE id = $1', [id]);
    return rows[0] ? toRun(rows[0] as Row) : null;
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM control_runs
       WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR status = $2)
         AND ($4::text IS NULL OR job_type = $4)
       ORDER BY started_at DESC, id LIMIT $3`,
      [query.pipeline ?? null, query.status ?? null, clampLimit(query.limit, 50, 500), query.jobType ?? null],
    );
    return rows.map((r: Row) => toRun(r));
  }

  async requestCancel(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rowCount } = await this.pool.query(
      `UPDATE control_runs SET cancel_requested = true WHERE id = $1 AND status = 'running'`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  async acquireLock(key: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO control_locks (key, owner, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE control_locks.expires_at <= $4 OR control_locks.owner = EXCLUDED.owner`,
      [key, owner, new Date(now.getTime() + ttlMs), now],
    );
    return (rowCount ?? 0) > 0;
  }

  async renewLock(key: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE control_locks SET expires_at = $3 WHERE key = $1 AND owner = $2',
      [key, owner, new Date(now.getTime() + ttlMs)],
    );
    return (rowCount ?? 0) > 0;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM control_locks WHERE key = $1 AND owner = $2', [key, owner]);
  }

  async lockHolder(key: string, now: Date): Promise<string | null> {
    const { rows } = await this.pool.query(
      'SELECT owner FROM control_locks WHERE key = $1 AND expires_at > $2',
      [key, now],
    );
    return (rows[0]?.owner as string | undefined) ?? null;
  }

  async abandonOrphanedRuns(now: Date): Promise<RunRecord[]> {
    const { rows } = await this.pool.query(
      `UPDATE control_runs r SET status = 'abandoned', finished_at = $1,
         error_message = 'Abandoned: the worker running it stopped (its lock expired without the run finishing)'
       WHERE r.status = 'running' AND r.lock_key IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM control_locks l WHERE l.key = r.lock_key AND l.owner = r.id::text AND l.expires_at > $1)
       RETURNING *`,
      [now],
    );
    return rows.map((r: Row) => toRun(r));
  }

  async saveLineageEvent(event: RunEvent): Promise<void> {
    const { nodes, edges } = foldEvent(event);
    await this.inTransaction(async (client) => {
      await client.query(
        `INSERT INTO lineage_events (run_id, event_type, event_time, job_namespace, job_name, payload)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          event.run.runId,
          event.eventType,
          event.eventTime,
          event.job.namespace,
          event.job.name,
          JSON.stringify(event),
        ],
      );
      for (const n of nodes) {
        // Older events arriving late never overwrite newer state; a START keeps the last known version.
        await client.query(
          `INSERT INTO lineage_nodes AS n (id, kind, namespace, name, latest_status, latest_run_id, latest_version, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET latest_status = EXCLUDED.latest_status,
             latest_run_id = EXCLUDED.latest_run_id,
             latest_version = COALESCE(EXCLUDED.latest_version, n.latest_version),
             updated_at = EXCLUDED.updated_at
           WHERE n.updated_at <= EXCLUDED.updated_at`,
          [n.id, n.kind, n.namespace, n.name, n.latestStatus, n.latestRunId, n.latestVersion, n.updatedAt],
        );
      }
      for (const e of edges) {
        await client.query(
          'INSERT INTO lineage_edges (from_id, to_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [e.from, e.to],
        );
      }
    });
  }

  async listLineageEvents(query: Parameters<ControlStore['listLineageEvents']>[0] = {}): Promise<RunEvent[]> {
    const { rows } = await this.pool.query(
      `SELECT payload FROM (
         SELECT seq, payload FROM lineage_events
         WHERE ($1::text IS NULL OR run_id = $1)
           AND ($2::text IS NULL OR (job_namespace = $2 AND job_name = $3))
         ORDER BY seq DESC LIMIT $4) last ORDER BY seq`,
      [
        query.runId ?? null,
        query.job?.namespace ?? null,
        query.job?.name ?? null,
        clampLimit(query.limit, 200, 5000),
      ],
    );
    return rows.map((r: Row) => r.payload as RunEvent);
  }

  async listLineageDatasets(): Promise<LineageNode[]> {
    const { rows } = await this.pool.query("SELECT * FROM lineage_nodes WHERE kind = 'dataset'");
    return rows.map((r: Row) => toNode(r));
  }

  lineageGraph(
    dataset: Parameters<ControlStore['lineageGraph']>[0],
    query: Parameters<ControlStore['lineageGraph']>[1],
  ) {
    return walkLineage(
      dataset,
      query,
      async (ids, direction) => {
        const column = direction === 'upstream' ? 'to_id' : 'from_id';
        const { rows } = await this.pool.query(
          `SELECT from_id, to_id FROM lineage_edges WHERE ${column} = ANY($1::text[])`,
          [ids],
        );
        return rows.map((r: Row) => ({ from: r.from_id as string, to: r.to_id as string }));
      },
      async (ids) => {
        const { rows } = await this.pool.query('SELECT * FROM lineage_nodes WHERE id = ANY($1::text[])', [
          ids,
        ]);
        return rows.map((r: Row) => toNode(r));
      },
    );
  }

  async recordScheduleChange(change: NewScheduleChange): Promise<ScheduleChange> {
    const { rows } = await this.pool.query(
      `INSERT INTO control_schedule_changes (at, actor, schedule, action, before, after)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING seq`,
      [
        change.at,
        change.actor,
        change.schedule,
        change.action,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
      ],
    );
    return { id: String((rows[0] as { seq: string }).seq), ...change };
  }

  async listScheduleChanges(query: ListScheduleChangesQuery = {}): Promise<ScheduleChange[]> {
    const { rows } = await this.pool.query(
      `SELECT seq, at, actor, schedule, action, before, after FROM control_schedule_changes
       WHERE ($1::text IS NULL OR schedule = $1) ORDER BY seq DESC LIMIT $2`,
      [query.schedule ?? null, clampLimit(query.limit, 100, 500)],
    );
    return (rows as (Omit<ScheduleChange, 'id'> & { seq: string })[]).map(({ seq, ...rest }) => ({
      id: String(seq),
      ...rest,
    }));
  }
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
