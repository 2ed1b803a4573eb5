// The worker process: Agenda processing only (the web process never runs jobs). The runners of the
// pipeline, MySQL sync and Delta maintenance jobs are other issues' work: until they are wired here, every
// run fails with a plain "not built yet" error recorded in its run record. Drains cleanly on SIGTERM/SIGINT.

import os from 'node:os';
import { loadEnv } from './config/env';
import { startWorker } from './scheduler/start-worker';
import { openControlStore } from './store/open-control-store';

const log = (line: string) => console.log(`[worker] ${new Date().toISOString()} ${line}`);

async function main(): Promise<void> {
  const env = loadEnv();
  const store = openControlStore(env.CONTROL_DB_URL);
  await store.init();
  const worker = await startWorker({
    controlDbUrl: env.CONTROL_DB_URL,
    store,
    name: `worker@${os.hostname()}:${process.pid}`,
    openLineageUrl: env.OPENLINEAGE_URL,
    log,
  });
  log(
    `ready; job types: ${worker.jobTypes.join(', ')} (their runners are not built yet: runs fail with a "not built yet" error)`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received; draining running jobs`);
    const result = await worker.stop(30_000);
    if (result.aborted) log(`drain timed out: ${result.aborted} run(s) aborted and recorded as failed`);
    await store.close();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`[worker] failed to start: ${(error as Error).message}`);
  process.exit(1);
});
