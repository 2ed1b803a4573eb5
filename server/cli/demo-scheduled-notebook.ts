// The demo's scheduled notebook (issue 15): "Permits and requests, hourly", owned by the demo admin, over the demo
// pipeline's Delta tables, run by the worker at five past every hour (after the hourly load at :00), each run's
// results stored under NOTEBOOKS_DIR/.meta/runs. Created once: a notebook or schedule already there (perhaps
// edited, paused or deleted by someone) is left as it is.

import path from 'node:path';
import type { Env } from '../config/env';
import { syncNotebookSchedule } from '../notebook-runs/notebook-schedules';
import { createScheduleSettingsStore, scheduleInputSchema } from '../notebook-runs/schedule-settings';
import { createNotebookStore, NotebookNotFoundError } from '../notebooks/notebook-store';
import { createVersionedNotebooks } from '../notebooks/notebook-versions';
import type { Notebook } from '../notebooks/types';
import { openSchedulerContext } from '../scheduler/open-scheduler-context';

export const DEMO_SCHEDULED_NOTEBOOK = 'permits-and-requests-hourly';
const OWNER = 'admin';

const NOTEBOOK: Notebook = {
  id: DEMO_SCHEDULED_NOTEBOOK,
  title: 'Permits and requests, hourly',
  parameters: [],
  cells: [
    {
      id: 'intro',
      kind: 'markdown',
      source:
        '# Permits and requests, hourly\n\nScheduled: the worker runs this notebook at five past every hour ' +
        'over the latest Delta versions; open **Schedule** for its runs and their CSV files.',
    },
    {
      id: 'by-status',
      kind: 'sql',
      name: 'permits_by_status',
      runOn: 'server',
      source:
        'SELECT status, count(*) AS permits, sum(valuation) AS valuation,\n' +
        '       sum(fee_total - fees_paid) AS fees_outstanding\n' +
        'FROM building_permits\nGROUP BY status\nORDER BY permits DESC',
    },
    {
      id: 'by-priority',
      kind: 'sql',
      name: 'requests_by_priority',
      runOn: 'server',
      source:
        'SELECT priority, status, count(*) AS requests\nFROM service_requests\n' +
        'GROUP BY priority, status\nORDER BY priority, status',
    },
  ],
};

/** Creates the notebook and its hourly schedule when they are missing; says what it did. */
export async function seedScheduledNotebook(env: Env, log: (line: string) => void): Promise<void> {
  const dir = path.resolve(env.NOTEBOOKS_DIR);
  const notebooks = createVersionedNotebooks(createNotebookStore(dir), dir);
  const exists = await notebooks.meta(DEMO_SCHEDULED_NOTEBOOK).then(
    () => true,
    (error: unknown) => {
      if (error instanceof NotebookNotFoundError) return false;
      // A tombstone: someone deleted the demo's notebook, which stays deleted.
      return true;
    },
  );
  if (exists) return;
  await notebooks.create(NOTEBOOK, OWNER);
  const settings = createScheduleSettingsStore(dir);
  const schedule = {
    ...scheduleInputSchema.parse({ cron: '5 * * * *', timezone: env.SCHEDULE_TIMEZONE }),
    updatedBy: OWNER,
    updatedAt: new Date().toISOString(),
  };
  const ctx = await openSchedulerContext({
    controlDbUrl: env.CONTROL_DB_URL,
    timezone: env.SCHEDULE_TIMEZONE,
    name: `demo:${process.pid}`,
  });
  try {
    await syncNotebookSchedule(ctx, 'demo', DEMO_SCHEDULED_NOTEBOOK, null, schedule);
    await settings.write(DEMO_SCHEDULED_NOTEBOOK, schedule);
  } finally {
    await ctx.close();
  }
  log(
    `created the scheduled notebook "${NOTEBOOK.title}" (/workbench/${DEMO_SCHEDULED_NOTEBOOK}), hourly at :05`,
  );
}
