// The set-up the worker and schedule tests share: a throwaway control database in PostgreSQL, its store, and the
// web process's view of the scheduler (an Agenda that is never started, as in server/api/control-plane.ts).

import { closeAgenda, connectNotifications, createAgenda } from '../../server/scheduler/create-agenda';
import type { SchedulerContext } from '../../server/scheduler/schedules';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

export interface ControlTestDb {
  db: TempDatabase;
  store: PostgresControlStore;
  web: SchedulerContext;
  close(): Promise<void>;
}

/**
 * The web process's scheduler context over a control database: an Agenda that never starts, ready (or, with
 * `notifications`, listening on its LISTEN/NOTIFY channel as the web process does).
 */
export async function openWebScheduler(
  controlDbUrl: string,
  store: SchedulerContext['store'],
  options: { notifications?: boolean } = {},
): Promise<SchedulerContext> {
  const web: SchedulerContext = {
    agenda: createAgenda({ controlDbUrl, name: 'web' }),
    store,
    timezone: 'UTC',
    now: () => new Date(),
  };
  if (options.notifications) await connectNotifications(web.agenda);
  else await web.agenda.ready;
  return web;
}

/** `notifications`: connect the web Agenda's LISTEN/NOTIFY channel as the web process does. */
export async function openControlTestDb(
  prefix: string,
  options: { notifications?: boolean } = {},
): Promise<ControlTestDb> {
  const db = await createTempDatabase(prefix);
  const store = new PostgresControlStore(db.url);
  await store.init();
  const web = await openWebScheduler(db.url, store, options);
  return {
    db,
    store,
    web,
    async close() {
      await closeAgenda(web.agenda, false);
      await store.close();
      await db.drop();
    },
  };
}
