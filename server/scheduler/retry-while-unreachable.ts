// The writes a finished run must not lose when the control database restarts under it.

/**
 * Runs a control-database write, retrying with a growing delay (0.5 s up to 8 s) while it fails, for at most
 * forMs; then the last error is thrown. Used for the writes a finished run must not lose when PostgreSQL or
 * MongoDB restarts under it.
 */
export async function retryWhileUnreachable<T>(
  write: () => Promise<T>,
  opts: { what: string; forMs: number; log: (line: string) => void },
): Promise<T> {
  const deadline = Date.now() + opts.forMs;
  for (let delay = 500; ; delay = Math.min(8_000, delay * 2)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      opts.log(`${opts.what} not written (${(error as Error).message}); retrying in ${delay / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
