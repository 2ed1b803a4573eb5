// How many server queries may run at once, per user and for everyone: past either bound a query is refused at
// once with 429 and Retry-After (before its body is read), instead of queueing work that would slow every user.

import { WorkbenchError } from './workbench-error';

export interface QueryAdmission {
  /** Takes a slot for `username`, or throws QUERY_BUSY; the returned function gives it back (once). */
  admit(username: string): () => void;
  running(): { total: number; byUser: Record<string, number> };
}

export function createQueryAdmission(options: {
  perUser: number;
  total: number;
  retryAfterSeconds?: number;
}): QueryAdmission {
  const byUser = new Map<string, number>();
  let total = 0;
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  return {
    admit(username) {
      const mine = byUser.get(username) ?? 0;
      if (mine >= options.perUser) {
        throw new WorkbenchError(
          'QUERY_BUSY',
          `You already have ${mine} server ${mine === 1 ? 'query' : 'queries'} running, the most one person ` +
            'may run at once. Wait for one to finish (or cancel it) and run this cell again.',
          { retryAfterSeconds },
        );
      }
      if (total >= options.total) {
        throw new WorkbenchError(
          'QUERY_BUSY',
          `The server is already running ${total} queries, the most it runs at once for all users. ` +
            `Try again in a few seconds, or run the cell in the browser.`,
          { retryAfterSeconds },
        );
      }
      byUser.set(username, mine + 1);
      total += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        const left = (byUser.get(username) ?? 1) - 1;
        if (left <= 0) byUser.delete(username);
        else byUser.set(username, left);
      };
    },
    running: () => ({ total, byUser: Object.fromEntries(byUser) }),
  };
}
