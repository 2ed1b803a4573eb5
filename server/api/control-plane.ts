// The web process's handles on the control plane: the control store and an Agenda that is never started
// (the web process edits schedules; only the worker runs jobs). Created on first use, once per process.

import { loadEnv } from '../config/env';
import { openSchedulerContext, type OpenSchedulerContext } from '../scheduler/open-scheduler-context';
import type { SchedulerContext } from '../scheduler/schedules';

let cached: { url: string; ctx: Promise<OpenSchedulerContext> } | undefined;

export function getControlPlane(): Promise<SchedulerContext> {
  const env = loadEnv();
  if (cached?.url !== env.CONTROL_DB_URL) {
    const ctx = openSchedulerContext({
      controlDbUrl: env.CONTROL_DB_URL,
      timezone: env.SCHEDULE_TIMEZONE,
      name: `web:${process.pid}`,
    });
    cached = { url: env.CONTROL_DB_URL, ctx };
    // Not cached on failure, so the next request tries again.
    ctx.catch(() => {
      if (cached?.ctx === ctx) cached = undefined;
    });
  }
  return cached.ctx;
}

/** Closes the cached store and Agenda connection (tests, and a web process shutting down cleanly). */
export async function closeControlPlane(): Promise<void> {
  const current = cached;
  cached = undefined;
  const ctx = await current?.ctx.catch(() => null);
  await ctx?.close();
}
