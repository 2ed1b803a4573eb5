// The web process's handles on the control plane: the control store and an Agenda that is never started
// (the web process edits schedules; only the worker runs jobs). Created on first use, once per process.

import { loadEnv } from '../config/env';
import { createAgenda } from '../scheduler/create-agenda';
import type { SchedulerContext } from '../scheduler/schedules';
import { openControlStore } from '../store/open-control-store';

let cached: { url: string; ctx: Promise<SchedulerContext> } | undefined;

export function getControlPlane(): Promise<SchedulerContext> {
  const env = loadEnv();
  if (cached?.url !== env.CONTROL_DB_URL) {
    const ctx = (async () => {
      const store = openControlStore(env.CONTROL_DB_URL);
      await store.init();
      const agenda = createAgenda({ controlDbUrl: env.CONTROL_DB_URL, name: `web:${process.pid}` });
      await agenda.ready;
      return { agenda, store, timezone: env.SCHEDULE_TIMEZONE, now: () => new Date() };
    })();
    cached = { url: env.CONTROL_DB_URL, ctx };
    ctx.catch(() => {
      if (cached?.ctx === ctx) cached = undefined;
    });
  }
  return cached.ctx;
}
