// A long-running process (the worker) must not die of an error nobody awaited: a pool's timer, a driver's
// socket, a late rejection after a run was abandoned. Log it with its stack and keep serving; the run that
// owned it (if any) fails through its own path. The web process gets the same from Next.js itself
// (next/dist/server/lib/router-server.js registers both listeners).

export function installProcessGuards(log: (line: string) => void): void {
  const describe = (error: unknown) =>
    error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error);
  process.on('unhandledRejection', (reason) =>
    log(`unhandled rejection (process keeps running): ${describe(reason)}`),
  );
  process.on('uncaughtException', (error) =>
    log(`uncaught exception (process keeps running): ${describe(error)}`),
  );
}
