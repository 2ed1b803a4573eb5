// Keeps a set of long-running child processes up: a child that exits on its own is started again after a
// growing delay (so a crash loop does not spin), while the others keep serving. A signal to the supervisor
// stops them all. Pure of what the children are, so tests supervise small node scripts instead of Next.js.

import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export interface RestartPolicy {
  /** First delay before a restart; doubles on each quick exit, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A child that stayed up this long is healthy again: its next restart waits baseDelayMs. */
  healthyAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
};

export interface Supervisor {
  /** Resolves with 0 once every child has stopped after stop() (or a signal). */
  done: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
  /** Current pid of a child, for tests and the start log. */
  pid(name: string): number | undefined;
}

export function supervise(
  specs: ProcessSpec[],
  opts: { log: (line: string) => void; policy?: RestartPolicy; stdio?: 'inherit' | 'ignore' },
): Supervisor {
  const policy = opts.policy ?? DEFAULT_RESTART_POLICY;
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const settleIfIdle = () => {
    if (stopping && running.size === 0 && timers.size === 0) resolveDone(0);
  };

  const start = (spec: ProcessSpec, delayMs: number) => {
    const startedAt = Date.now();
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: opts.stdio ?? 'inherit',
    });
    running.set(spec.name, child);
    child.on('error', (error) => opts.log(`${spec.name} could not be started: ${error.message}`));
    child.on('exit', (code, signal) => {
      running.delete(spec.name);
      if (stopping) return settleIfIdle();
      const upMs = Date.now() - startedAt;
      const wait = upMs >= policy.healthyAfterMs ? policy.baseDelayMs : delayMs;
      const next = Math.min(policy.maxDelayMs, wait * 2);
      opts.log(
        `${spec.name} exited (${signal ?? `code ${code}`}) after ${Math.round(upMs / 1000)} s; ` +
          `restarting in ${Math.round(wait / 100) / 10} s (the other processes keep running)`,
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopping) return settleIfIdle();
        start(spec, next);
        opts.log(`${spec.name} restarted (pid ${running.get(spec.name)?.pid})`);
      }, wait);
      timers.add(timer);
    });
  };

  for (const spec of specs) start(spec, policy.baseDelayMs);

  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const child of running.values())
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    settleIfIdle();
  };

  return { done, stop, pid: (name) => running.get(name)?.pid };
}
