// Clean-up that runs after the work that matters (closing a connection, rolling back, dropping a staging table,
// deleting a temp file) must not replace that work's own error or outcome, so its failure is not thrown. It is
// not swallowed either: with LOG_LEVEL=debug it is printed, so a leak (connections never closed, temp tables
// left behind) can be traced.

export function logCleanupFailure(what: string): (error: unknown) => void {
  return (error) => {
    if (process.env.LOG_LEVEL !== 'debug') return;
    const message = error instanceof Error ? error.message : String(error);
    console.debug(`[cleanup] ${what} failed: ${message}`);
  };
}
