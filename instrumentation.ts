// Next.js calls register() once as the web server starts (`next start`, hence `npm start` and `npm run demo`),
// before it serves requests. The server path's query processes start here, in the background, so the first
// server query does not wait seconds for one to load; register() itself returns at once.

export async function register(): Promise<void> {
  // Also evaluated for the Edge runtime, which has no child processes.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { warmQueryPoolAtStart } = await import('./server/api/workbench/query-service');
  try {
    warmQueryPoolAtStart();
  } catch (error) {
    // A malformed environment is reported by the first request that reads it; the server still starts.
    console.error(`[query-pool] not started ahead: ${(error as Error).message}`);
  }
}
