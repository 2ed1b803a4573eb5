// `npm run demo`: everything a new user needs on a fresh machine, after `npm ci`: services up, databases
// created, the demo source seeded if empty, the app built, the schedules created and the first pipeline run queued,
// then web and worker started (the worker runs it at once; Ctrl+C stops both).

import { spawnSync } from 'node:child_process';
import { seedDemoSource } from '@/pipelines/demo/seed-demo-source';
import { resolveSessionSecret } from '../auth/session-secret';
import { ensureDemoUsers } from '../auth/users-file';
import { loadEnv, redactUrl } from '../config/env';
import { prepareServices } from '../services/prepare-services';
import { runWebAndWorker } from '../services/run-processes';
import { seedDemoReport } from '../reports/demo-report';
import { queueFirstRun, watchFirstRun } from './demo-first-run';

const log = (line: string) => console.log(`[demo] ${line}`);
const DEMO_PIPELINE = 'county-ops';

async function main(): Promise<number> {
  const env = loadEnv();
  const cwd = process.cwd();
  await prepareServices(env, log);

  log(
    `seeding the demo source ${redactUrl(env.DEMO_SOURCE_URL)} if it is empty (DEMO_ROWS=${env.DEMO_ROWS})`,
  );
  const seed = await seedDemoSource({
    connectionString: env.DEMO_SOURCE_URL,
    rows: env.DEMO_ROWS,
    seed: env.DEMO_SEED,
    log,
  });
  const counts = Object.entries(seed.counts)
    .map(([table, n]) => `${table} ${n.toLocaleString('en-US')}`)
    .join(', ');
  log(seed.seeded ? `seeded in ${(seed.ms / 1000).toFixed(1)} s: ${counts}` : `already seeded: ${counts}`);

  log('building the web app (npm run build: vendor files, then next build)');
  // Through npm so the prebuild step copies DuckDB-WASM and Monaco into public/vendor; telemetry stays off
  // because the build script sets NEXT_TELEMETRY_DISABLED (the product makes no outbound calls).
  const build = spawnSync('npm', ['run', 'build'], { cwd, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed with exit code ${build.status}`);

  // One run of the demo pipeline (extract from the demo source → raw Parquet → Delta tables → MySQL), so the
  // workbench has tables to query and county_mirror holds the same rows for the front-end team. It is queued for
  // the worker, so it shows on the Pipelines and Lineage pages with its progress; later runs only apply what
  // changed (`npm run demo-source -- change` makes changes), hourly.
  const queuedAt = new Date();
  const queued = await queueFirstRun(env, DEMO_PIPELINE, log);

  await ensureDemoUsers(env.USERS_FILE, log);
  await seedDemoReport(env, 'admin', log);
  // `next start` runs with NODE_ENV=production, where a session secret must be given; the demo is one local
  // machine, so it uses (or generates once) ./data/session-secret and hands it to the web process.
  process.env.SESSION_SECRET = await resolveSessionSecret({
    secret: env.SESSION_SECRET,
    nodeEnv: 'development',
    log,
  });

  log(`starting web on http://${env.HOST}:${env.PORT} and the worker; Ctrl+C stops both`);
  const stopWatching = new AbortController();
  if (queued) void watchFirstRun(env, DEMO_PIPELINE, queuedAt, log, stopWatching.signal);
  return runWebAndWorker({ cwd, env, log }).finally(() => stopWatching.abort());
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[demo] ${error.message}`);
    if (error.cause) console.error(`[demo] cause: ${String(error.cause)}`);
    process.exit(1);
  },
);
