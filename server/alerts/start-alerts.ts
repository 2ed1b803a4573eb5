// The worker's alerts loop: a pass every ALERT_TICK_SECONDS and one soon after each run finishes. Passes never
// overlap: a request while one runs schedules exactly one more after it.

import { runAlertTick, type AlertTickDeps, type TickResult } from './alert-tick';

export interface AlertsLoop {
  /** Ask for a pass soon (after a run finished). */
  trigger(): void;
  /** Run a pass now and wait for it (tests). */
  runNow(): Promise<TickResult>;
  stop(): Promise<void>;
}

export function startAlerts(deps: AlertTickDeps, everyMs: number): AlertsLoop {
  let running: Promise<TickResult> | null = null;
  let again = false;
  let stopped = false;

  const pass = (): Promise<TickResult> => {
    if (running) {
      again = true;
      return running;
    }
    running = runAlertTick(deps).finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        void pass();
      }
    });
    return running;
  };

  const timer = setInterval(() => void pass(), everyMs);
  timer.unref();
  void pass();
  return {
    trigger: () => {
      if (!stopped) void pass();
    },
    runNow: async () => {
      while (running) await running;
      return pass();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
