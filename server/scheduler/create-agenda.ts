// Agenda on the control database (ARCHITECTURE.md §4). PostgreSQL through its official backend; the MongoDB
// backend arrives with the control-plane issue, and until then a mongodb:// URL is refused plainly.

import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';

export interface SchedulerOptions {
  controlDbUrl: string;
  /** Identifies this process in Agenda's lastModifiedBy column. */
  name: string;
}

export function createAgenda(opts: SchedulerOptions): Agenda {
  if (!/^postgres(ql)?:\/\//.test(opts.controlDbUrl)) {
    throw new Error(
      'CONTROL_DB_URL: only PostgreSQL is supported so far; the MongoDB control store is not built yet',
    );
  }
  return new Agenda({
    backend: new PostgresBackend({ connectionString: opts.controlDbUrl }),
    name: opts.name,
    processEvery: '30 seconds',
  });
}
