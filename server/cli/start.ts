// `npm start`: web and worker together (see server/services/run-processes.ts).

import { loadEnv } from '../config/env';
import { runWebAndWorker } from '../services/run-processes';

const log = (line: string) => console.log(`[start] ${line}`);
try {
  const env = loadEnv(); // malformed or weak values (e.g. a short SESSION_SECRET) stop here, named
  // `next start` always runs as production, where sign-in needs SESSION_SECRET: refuse to start without it
  // rather than serve a web process that answers every sign-in with 500.
  if (!env.SESSION_SECRET) {
    throw new Error(
      'SESSION_SECRET is required: npm start serves production (next start), where it seals session cookies. ' +
        'Set it to at least 32 random characters, e.g. `openssl rand -base64 32`.',
    );
  }
  const code = await runWebAndWorker({ cwd: process.cwd(), env, log });
  process.exit(code);
} catch (error) {
  console.error(`[start] ${(error as Error).message}`);
  process.exit(1);
}
