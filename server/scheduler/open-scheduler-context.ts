// A scheduler context for a process that edits schedules but never runs jobs (the web process, the demo): the
// control store and an Agenda that is never started, with its notification channel connected so the worker hears
// of a queued run at once. close() releases both; a failed open closes what it opened.

import { openControlStore } from '../store/open-control-store';
import { closeAgenda, connectNotifications, createAgenda } from './create-agenda';
import type { SchedulerContext } from './schedules';
import { logCleanupFailure } from '@/pipelines/support/cleanup';

export interface OpenSchedulerContext extends SchedulerContext {
  close(): Promise<void>;
}

export async function openSchedulerContext(options: {
  controlDbUrl: string;
  timezone: string;
  /** Identifies this process in Agenda's records. */
  name: string;
}): Promise<OpenSchedulerContext> {
  const store = openControlStore(options.controlDbUrl);
  const agenda = createAgenda({ controlDbUrl: options.controlDbUrl, name: options.name });
  const close = async () => {
    await closeAgenda(agenda, false).catch(logCleanupFailure('closeAgenda(agenda, false)'));
    await store.close().catch(logCleanupFailure('store.close()'));
  };
  try {
    await store.init();
    await connectNotifications(agenda);
  } catch (error) {
    await close();
    throw error;
  }
  return { agenda, store, timezone: options.timezone, now: () => new Date(), close };
}
