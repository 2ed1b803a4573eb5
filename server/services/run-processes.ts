// The two processes of ARCHITECTURE.md §4, web (Next.js) and worker (Agenda), run together under one
// supervisor: if either exits on its own it is started again with a growing delay, and the other keeps
// serving meanwhile (a worker crash must not take the workbench down, nor the reverse). Ctrl+C or SIGTERM
// stops both.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config/env';
import { supervise, type RestartPolicy } from './supervise';

export function runWebAndWorker(opts: {
  cwd: string;
  env: Env;
  log: (line: string) => void;
  policy?: RestartPolicy;
}): Promise<number> {
  const { env } = opts;
  if (!existsSync(path.join(opts.cwd, '.next', 'BUILD_ID'))) {
    throw new Error('The app is not built: run `npm run build` first');
  }
  const bin = (name: string) => path.join(opts.cwd, 'node_modules', '.bin', name);
  // Next.js would otherwise send usage telemetry off the machine; the product makes no outbound calls.
  const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const supervisor = supervise(
    [
      {
        name: 'web',
        command: bin('next'),
        args: ['start', '-p', String(env.PORT), '-H', env.HOST],
        cwd: opts.cwd,
        env: childEnv,
      },
      { name: 'worker', command: bin('tsx'), args: ['server/worker.ts'], cwd: opts.cwd, env: childEnv },
    ],
    { log: opts.log, ...(opts.policy ? { policy: opts.policy } : {}) },
  );
  opts.log(
    `web on http://${env.HOST}:${env.PORT}, worker started (pids ${supervisor.pid('web')}, ${supervisor.pid('worker')}); ` +
      'either is restarted if it exits',
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => supervisor.stop(signal));
  return supervisor.done;
}
