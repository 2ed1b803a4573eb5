// `npm start`: web and worker together (see server/services/run-processes.ts).

import { loadEnv } from '../config/env';
import { runWebAndWorker } from '../services/run-processes';

const log = (line: string) => console.log(`[start] ${line}`);
try {
  const code = await runWebAndWorker({ cwd: process.cwd(), env: loadEnv(), log });
  process.exit(code);
} catch (error) {
  console.error(`[start] ${(error as Error).message}`);
  process.exit(1);
}
