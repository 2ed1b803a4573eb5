// Growing delays after failed sign-ins, per username and per client address: the first `freeFailures` cost
// nothing, then each failure doubles the wait (1 s, 2 s, 4 s … up to maxDelayMs). While a key waits, attempts
// are refused with 429 before any password is hashed. A success clears the username's count only, so an
// attacker who owns one account cannot clear their address's count by signing into it. Pure, with an injected
// clock; the state is per web process (one per deployment, see README "Sign-in and sessions").

export interface ThrottleLimits {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Bounds the memory a flood of distinct usernames or addresses can take; the oldest entries go first. */
const MAX_ENTRIES = 20_000;

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limitsFor: (key: string) => ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until any of the keys may try again; 0 when all may now. */
  waitMs(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.current(key, t);
      if (entry) wait = Math.max(wait, entry.blockedUntil - t);
    }
    return wait;
  }

  recordFailure(keys: string[]): void {
    const t = this.now();
    for (const key of keys) {
      const limits = this.limitsFor(key);
      const entry = this.current(key, t) ?? { failures: 0, lastFailureAt: t, blockedUntil: 0 };
      entry.failures += 1;
      entry.lastFailureAt = t;
      const over = entry.failures - limits.freeFailures;
      if (over >= 0) {
        entry.blockedUntil = t + Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** Math.min(over, 30));
      }
      this.entries.delete(key); // re-insert: the Map's order is then least recently failed first
      this.entries.set(key, entry);
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  failures(key: string): number {
    return this.current(key, this.now())?.failures ?? 0;
  }

  /** An entry is forgotten once it has been quiet for twice the longest delay. */
  private current(key: string, t: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (t - entry.lastFailureAt > 2 * this.limitsFor(key).maxDelayMs && t >= entry.blockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

export const usernameKey = (username: string) => `user:${username.trim().toLowerCase()}`;
export const addressKey = (address: string) => `addr:${address}`;
