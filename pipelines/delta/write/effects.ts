// What the writer needs from the outside world, injected (ARCHITECTURE.md §6): the lake, a DuckDB session, a clock,
// and optional hooks that tests use to stop an operation at a chosen point (crash and race simulations).

import type { ReadEffects } from '../checkpoint';

export interface WriteHooks {
  /** Called after the data files are in the lake, before each commit attempt (attempt 0 is the first). */
  beforeCommit?: (attempt: number) => Promise<void> | void;
}

export interface WriteEffects extends ReadEffects {
  /** Milliseconds since the epoch; Date.now when absent. */
  clock?: () => number;
  hooks?: WriteHooks;
}

export function getNow(effects: { clock?: () => number }): number {
  return effects.clock ? effects.clock() : Date.now();
}

/** Written into commitInfo.engineInfo of every commit (package.json version). */
export const ENGINE_INFO = 'county-lakehouse/0.1.0';
