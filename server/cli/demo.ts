// `npm run demo`: everything a new user needs on a fresh machine, after `npm ci`: services up, databases
// created, the demo source seeded if empty, the app built, then web and worker started (Ctrl+C stops both).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { loadEnv, redactUrl } from '../config/env';
import { prepareServices } from '../services/prepare-services';
import { runWebAndWorker } from '../services/run-processes';

const log = (line: string) => console.log(`[demo] ${line}`);

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

  log('building the web app (next build)');
  // Telemetry off: the product makes no outbound calls (Next.js would report usage otherwise).
  const build = spawnSync(path.join(cwd, 'node_modules', '.bin', 'next'), ['build'], {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);

  // Said plainly rather than faked: the extract → Delta → MySQL pipeline is the subject of later issues.
  log('first pipeline run: not built yet (extract/CDC into Delta and MySQL sync are open issues); skipped');

  log(`starting web on http://${env.HOST}:${env.PORT} and the worker; Ctrl+C stops both`);
  return runWebAndWorker({ cwd, env, log });
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[demo] ${error.message}`);
    if (error.cause) console.error(`[demo] cause: ${String(error.cause)}`);
    process.exit(1);
  },
);
