// Agenda on the control database (ARCHITECTURE.md §4) with its official backend for either database.

import { MongoBackend } from '@agendajs/mongo-backend';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';

export interface SchedulerOptions {
  controlDbUrl: string;
  /** Identifies this process in Agenda's lastModifiedBy column. */
  name: string;
  /** How often the worker looks for due jobs; default 30 seconds. */
  processEvery?: string | number;
}

export function createAgenda(opts: SchedulerOptions): Agenda {
  let backend;
  if (/^postgres(ql)?:\/\//.test(opts.controlDbUrl)) {
    backend = new PostgresBackend({ connectionString: opts.controlDbUrl });
  } else if (/^mongodb(\+srv)?:\/\//.test(opts.controlDbUrl)) {
    backend = new MongoBackend({ address: opts.controlDbUrl, ensureIndex: true });
  } else {
    throw new Error('CONTROL_DB_URL must be a postgres:// or mongodb:// URL');
  }
  const agenda = new Agenda({ backend, name: opts.name, processEvery: opts.processEvery ?? '30 seconds' });
  backends.set(agenda, backend);
  return agenda;
}

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
 */
export async function connectNotifications(agenda: Agenda): Promise<void> {
  await agenda.ready;
  const channel = backends.get(agenda)?.notificationChannel;
  if (!channel || channel.state === 'connected') return;
  // A started Agenda listens for its channel's errors; one that is never started must too, or a lost connection
  // (a database restart) would be an unhandled 'error' event that ends the process. The channel reconnects itself,
  // and until it has, a queued run waits for the worker's poll.
  channel.on('error', () => undefined);
  await channel.connect();
}

/**
 * Close an Agenda's database connection. Agenda.stop() only disconnects an Agenda that was started, and the
 * web process never starts one (it only edits schedules), so its pool would otherwise stay open.
 */
export async function closeAgenda(agenda: Agenda, started: boolean): Promise<void> {
  if (started) {
    await agenda.stop(true);
    return;
  }
  const backend = backends.get(agenda);
  // Also while it is reconnecting: disconnect() stops the reconnect timer, which would otherwise keep trying.
  const channel = backend?.notificationChannel;
  if (channel && channel.state !== 'disconnected') await channel.disconnect();
  await backend?.disconnect();
}
