// The browser's twin of pipelines/support/cleanup.ts: clean-up (dropping a view, terminating the engine, a
// best-effort clipboard write) must not replace the outcome the user sees, so its failure is not thrown; it goes
// to the console at debug level (shown with the developer tools' "Verbose" level) instead of disappearing.

export function logCleanupFailure(what: string): (error: unknown) => void {
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    console.debug(`[cleanup] ${what} failed: ${message}`);
  };
}
