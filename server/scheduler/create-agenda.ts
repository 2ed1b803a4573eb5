// Agenda on the control database (ARCHITECTURE.md §4) with its official backend for either database.

import { MongoBackend } from '@agendajs/mongo-backend';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import pg from 'pg';

export interface SchedulerOptions {
  controlDbUrl: string;
  /** Identifies this process in Agenda's lastModifiedBy column. */
  name: string;
  /** How often the worker looks for due jobs; default 30 seconds. */
  processEvery?: string | number;
}

export function createAgenda(opts: SchedulerOptions): Agenda {
  let backend;
  let pool: pg.Pool | undefined;
  if (/^postgres(ql)?:\/\//.test(opts.controlDbUrl)) {
    // Our own pool, because the backend's has no 'error' listener: an idle connection the database drops (a
    // restart, a failover) would be an unhandled 'error' event and end the worker or the web server. Queries
    // after the drop get fresh connections, and Agenda retries its polls.
    pool = new pg.Pool({ connectionString: opts.controlDbUrl });
    pool.on('error', (error) =>
      console.warn(`[scheduler] ${opts.name}: idle control database connection lost: ${error.message}`),
    );
    backend = new PostgresBackend({ pool });
    serializeSchemaCreation(backend);
  } else if (/^mongodb(\+srv)?:\/\//.test(opts.controlDbUrl)) {
    backend = new MongoBackend({ address: opts.controlDbUrl, ensureIndex: true });
  } else {
    throw new Error('CONTROL_DB_URL must be a postgres:// or mongodb:// URL');
  }
  // Neither Agenda nor the backend listens for the LISTEN/NOTIFY channel's errors, started or not, so a lost
  // connection would be an unhandled 'error' event. The channel reconnects itself (10 tries, backing off to 30 s);
  // until it has, or if it gives up, due jobs still start on the worker's poll.
  (backend.notificationChannel as Channel | undefined)?.on('error', (error) =>
    console.warn(`[scheduler] ${opts.name}: job notification channel: ${error.message}`),
  );
  const agenda = new Agenda({ backend, name: opts.name, processEvery: opts.processEvery ?? '30 seconds' });
  backends.set(agenda, backend);
  if (pool) pools.set(agenda, pool);
  return agenda;
}

/** Advisory lock id of Agenda's schema creation (the control store's own schema uses 727_001). */
const AGENDA_SCHEMA_LOCK_ID = 727_017;

/**
 * Workers starting together on a fresh control database each create Agenda's table, indexes and trigger; the
 * trigger's CREATE OR REPLACE FUNCTION run at the same moment fails one of them with "tuple concurrently updated"
 * and that worker does not start. The backend's createSchema runs on one client, so it is wrapped in a session
 * advisory lock on that client. No upstream issue found for concurrent schema creation (agenda/agenda).
 */
function serializeSchemaCreation(backend: PostgresBackend): void {
  const repository = backend.repository as unknown as {
    createSchema?: (client: pg.PoolClient) => Promise<void>;
  };
  const create = repository.createSchema?.bind(repository);
  if (!create) return;
  repository.createSchema = async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [AGENDA_SCHEMA_LOCK_ID]);
    try {
      await create(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [AGENDA_SCHEMA_LOCK_ID]);
    }
  };
}

/** Pools we created for PostgreSQL backends; the backend does not close a pool it was given. */
const pools = new WeakMap<Agenda, pg.Pool>();

interface Channel {
  readonly state: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
const backends = new WeakMap<
  Agenda,
  { disconnect(): Promise<void>; readonly notificationChannel?: Channel | undefined }
>();

/**
 * Lets an Agenda that is never started (the web process, the demo) publish job notifications. Agenda connects its
 * notification channel (PostgreSQL LISTEN/NOTIFY) only in start(), and without it a "run now" waits for the
 * worker's next poll (up to 30 s) instead of starting at once. MongoDB has no channel: the poll it is.
 * No upstream issue found for connecting the channel without start() (agenda/agenda).
 */
export async function connectNotifications(agenda: Agenda): Promise<void> {
  await agenda.ready;
  const channel = backends.get(agenda)?.notificationChannel;
  if (!channel || channel.state === 'connected') return;
  await channel.connect();
}

/**
 * Close an Agenda's database connection. Agenda.stop() only disconnects an Agenda that was started, and the
 * web process never starts one (it only edits schedules), so its pool would otherwise stay open.
 * No upstream issue found for closing an Agenda that was never started (agenda/agenda).
 */
export async function closeAgenda(agenda: Agenda, started: boolean): Promise<void> {
  if (started) {
    await agenda.stop(true);
  } else {
    const backend = backends.get(agenda);
    // Also while it is reconnecting: disconnect() stops the reconnect timer, which would otherwise keep trying.
    const channel = backend?.notificationChannel;
    if (channel && channel.state !== 'disconnected') await channel.disconnect();
    await backend?.disconnect();
  }
  const pool = pools.get(agenda);
  pools.delete(agenda);
  if (pool && !pool.ended) await pool.end();
}
