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

const backends = new WeakMap<Agenda, { disconnect(): Promise<void> }>();

/**
 * Close an Agenda's database connection. Agenda.stop() only disconnects an Agenda that was started, and the
 * web process never starts one (it only edits schedules), so its pool would otherwise stay open.
 */
export async function closeAgenda(agenda: Agenda, started: boolean): Promise<void> {
  if (started) await agenda.stop(true);
  else await backends.get(agenda)?.disconnect();
}
