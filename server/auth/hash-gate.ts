// Bounds concurrent argon2 verifications. Each takes ~19 MiB and a libuv thread pool thread for tens of
// milliseconds; a flood of wrong passwords would otherwise hold every pool thread (4 by default) and the file
// reads and crypto of every other request would queue behind it. A few verifications run at once, a bounded
// number wait their turn, and the rest are refused at once (429) instead of queueing without end.

import { ApiError } from '../api/errors';

export class HashGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new ApiError('RATE_LIMITED', 'Too many sign-ins at once; try again in a moment', {
          retryAfterSeconds: 1,
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  get active(): number {
    return this.running;
  }
}
