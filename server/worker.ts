// The worker process: Agenda processing only (the web process never runs jobs). It runs the real runners of
// the three job types (pipeline run = extract → Delta → MySQL sync, MySQL sync alone, Delta maintenance) and,
// at start, creates the schedules of the definitions in PIPELINES_DIR that have none yet (admins' edits to
// existing ones are kept). It also evaluates the alert rules (server/alerts) after each run and every
// ALERT_TICK_SECONDS. Drains cleanly on SIGTERM/SIGINT. Any number of workers may share one control database
// (README "More workers"); WORKER_CONCURRENCY and WORKER_LOCK_LIFETIME_SECONDS set its share (worker-settings.ts).

import os from 'node:os';
import { getSyncStatusReport } from './api/sync-status';
import { loadEnv, publicUrl, redactUrl } from './config/env';
import { notebookRunDeliverer } from './delivery/deliver-run';
import { createDeliveryDeps } from './delivery/delivery-deps';
import { createPipelineRunners } from './scheduler/pipeline-runners';
import { startWorker } from './scheduler/start-worker';
import { workerSettings } from './scheduler/worker-settings';
import { installProcessGuards } from './services/process-guards';
import { openControlStore } from './store/open-control-store';

const log = (line: string) => console.log(`[worker] ${new Date().toISOString()} ${line}`);

async function main(): Promise<void> {
  installProcessGuards(log);
  const env = loadEnv();
  const store = openControlStore(env.CONTROL_DB_URL);
  await store.init();
  const settings = workerSettings(env);
  const worker = await startWorker({
    ...settings,
    controlDbUrl: env.CONTROL_DB_URL,
    store,
    name: `worker@${os.hostname()}:${process.pid}`,
    openLineageUrl: env.OPENLINEAGE_URL,
    runners: createPipelineRunners({
      env,
      deliverNotebookRun: notebookRunDeliverer(createDeliveryDeps(env, store.alerts)),
    }),
    pipelines: { dir: env.PIPELINES_DIR, timezone: env.SCHEDULE_TIMEZONE },
    alerts: {
      env,
      processEnv: process.env,
      now: () => new Date(),
      readSyncStatus: () => getSyncStatusReport(),
      baseUrl: publicUrl(env),
      maxAttempts: env.ALERT_MAX_ATTEMPTS,
      everyMs: env.ALERT_TICK_SECONDS * 1000,
    },
    log,
  });
  const pipelines = worker.scheduled?.pipelines.join(', ') || 'none';
  log(
    `ready; job types: ${worker.jobTypes.join(', ')}; pipelines from ${env.PIPELINES_DIR}: ${pipelines}; ` +
      `lake ${env.LAKE_ROOT}; MySQL ${redactUrl(env.MYSQL_URL)}; ` +
      `${env.WORKER_CONCURRENCY} runs at once, lock lifetime ${env.WORKER_LOCK_LIFETIME_SECONDS} s`,
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
