// The worker process: Agenda processing only (the web process never runs jobs). Pipeline, sync and
// maintenance jobs are defined by the pipeline and control-plane issues; until they land the worker starts,
// connects to the control database, says plainly that it has no jobs, and drains cleanly on SIGTERM/SIGINT.

import os from 'node:os';
import { loadEnv } from './config/env';
import { createAgenda } from './scheduler/create-agenda';
import { defineJobs } from './scheduler/define-jobs';

const log = (line: string) => console.log(`[worker] ${new Date().toISOString()} ${line}`);

async function main(): Promise<void> {
  const env = loadEnv();
  const agenda = createAgenda({
    controlDbUrl: env.CONTROL_DB_URL,
    name: `worker@${os.hostname()}:${process.pid}`,
  });
  agenda.on('error', (error: Error) => log(`agenda error: ${error.message}`));
  const jobNames = defineJobs(agenda);
  await agenda.start();
  log(
    jobNames.length
      ? `ready; job types: ${jobNames.join(', ')}`
      : 'ready; no job types are defined yet (pipeline runs, MySQL sync and maintenance are not built yet)',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received; draining running jobs`);
    const result = await agenda.drain(30_000);
    if (result.timedOut)
      log(`drain timed out with ${result.running} job(s) still running; they will be unlocked`);
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
