// The real worker process (server/worker.ts) for tests: started with extra environment, its output collected, and
// a bounded wait for a line of it.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once the output matches, or fails after `ms` with the output in the message. */
  waitFor(pattern: RegExp, ms: number): Promise<void>;
  /** Its exit code once it has exited. */
  exited: Promise<number | null>;
}

export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const chunks: string[] = [];
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['server/worker.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  child.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => chunks.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => chunks.join('');
  const waitFor = (pattern: RegExp, ms: number) => {
    const deadline = Date.now() + ms;
    return new Promise<void>((resolve, reject) => {
      const tick = () => {
        if (pattern.test(output())) return resolve();
        if (Date.now() > deadline)
          return reject(new Error(`no ${pattern} within ${ms} ms; output:\n${output()}`));
        setTimeout(tick, 100);
      };
      tick();
    });
  };
  return { child, output, waitFor, exited };
}
