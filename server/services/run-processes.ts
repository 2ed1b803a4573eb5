// The two processes of ARCHITECTURE.md §4, web (Next.js) and worker (Agenda), run together. If either exits,
// the other is stopped too, so a supervisor sees one failure instead of half a product.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config/env';

export function runWebAndWorker(opts: {
  cwd: string;
  env: Env;
  log: (line: string) => void;
}): Promise<number> {
  const { env } = opts;
  if (!existsSync(path.join(opts.cwd, '.next', 'BUILD_ID'))) {
    throw new Error('The app is not built: run `npm run build` first');
  }
  const bin = (name: string) => path.join(opts.cwd, 'node_modules', '.bin', name);
  // Next.js would otherwise send usage telemetry off the machine; the product makes no outbound calls.
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  const children: Array<{ name: string; child: ChildProcess }> = [
    {
      name: 'web',
      child: spawn(bin('next'), ['start', '-p', String(env.PORT), '-H', env.HOST], {
        cwd: opts.cwd,
        stdio: 'inherit',
      }),
    },
    { name: 'worker', child: spawn(bin('tsx'), ['server/worker.ts'], { cwd: opts.cwd, stdio: 'inherit' }) },
  ];
  opts.log(
    `web on http://${env.HOST}:${env.PORT}, worker started (pids ${children.map((c) => c.child.pid).join(', ')})`,
  );

  return new Promise((resolve) => {
    let exitCode: number | null = null;
    let alive = children.length;
    const stopAll = (signal: NodeJS.Signals) => {
      for (const { child } of children)
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const { name, child } of children) {
      child.on('exit', (code, signal) => {
        alive -= 1;
        if (exitCode === null) {
          exitCode = code ?? (signal ? 0 : 1);
          opts.log(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
          stopAll('SIGTERM');
        }
        if (alive === 0) resolve(exitCode ?? 0);
      });
    }
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (exitCode === null) exitCode = 0;
        stopAll(signal);
      });
    }
  });
}
