// The recent failed sign-ins, for admins (GET /api/auth/failed-logins) and the server log. Kept in memory, newest
// last, at most `capacity`: a flood cannot grow it, and the server log keeps the full history.

export interface FailedLogin {
  at: string;
  username: string;
  address: string;
  /** The login form or HTTP Basic. */
  via: 'form' | 'basic';
  reason: 'wrong-password' | 'unknown-user' | 'throttled' | 'busy';
}

export class FailedLoginLog {
  private readonly entries: FailedLogin[] = [];

  constructor(
    private readonly capacity = 1000,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {}

  record(entry: Omit<FailedLogin, 'at'>, now = new Date()): void {
    // A username typed by anyone: bounded and printed as JSON so it cannot forge log lines.
    const username = entry.username.slice(0, 64);
    const row: FailedLogin = { ...entry, username, at: now.toISOString() };
    this.entries.push(row);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.log(`[auth] failed sign-in ${JSON.stringify(row)}`);
  }

  /** Newest first. */
  recent(limit = this.capacity): FailedLogin[] {
    return this.entries.slice(-limit).reverse();
  }
}
