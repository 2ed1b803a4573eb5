// npm start's supervisor: a child that exits is restarted with a growing delay and says so in the log, while
// the other child keeps running (same pid); stop() ends both. Real processes, small node scripts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { supervise } from '../../server/services/supervise';

const node = (script: string) => ({ command: process.execPath, args: ['-e', script], cwd: process.cwd() });

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a child that exits is restarted with backoff while the other keeps running', async () => {
  const lines: string[] = [];
  const supervisor = supervise(
    [
      { name: 'crashy', ...node('setTimeout(() => process.exit(3), 150)') },
      { name: 'steady', ...node('setInterval(() => {}, 1000)') },
    ],
    {
      log: (line) => lines.push(line),
      policy: { baseDelayMs: 100, maxDelayMs: 400, healthyAfterMs: 60_000 },
      stdio: 'ignore',
    },
  );
  try {
    const steadyPid = supervisor.pid('steady');
    assert.ok(steadyPid);
    await waitFor(
      () => lines.filter((l) => l.startsWith('crashy restarted')).length >= 4,
      15_000,
      '4 restarts',
    );
    const delays = lines
      .filter((l) => l.startsWith('crashy exited'))
      .map((l) => Number(/restarting in ([\d.]+) s/.exec(l)?.[1]));
    assert.deepEqual(delays.slice(0, 4), [0.1, 0.2, 0.4, 0.4], 'delay doubles up to the cap');
    assert.match(lines[0] ?? '', /crashy exited \(code 3\)/);
    assert.equal(supervisor.pid('steady'), steadyPid, 'the other process was never restarted');
    assert.doesNotThrow(() => process.kill(steadyPid, 0), 'the other process is still alive');
  } finally {
    supervisor.stop();
  }
  assert.equal(await supervisor.done, 0);
  assert.equal(supervisor.pid('steady'), undefined);
});

test('stop() during a restart delay cancels the restart', async () => {
  const lines: string[] = [];
  const supervisor = supervise([{ name: 'once', ...node('process.exit(1)') }], {
    log: (line) => lines.push(line),
    policy: { baseDelayMs: 5_000, maxDelayMs: 5_000, healthyAfterMs: 60_000 },
    stdio: 'ignore',
  });
  await waitFor(() => lines.some((l) => l.startsWith('once exited')), 5_000, 'the first exit');
  supervisor.stop();
  assert.equal(await supervisor.done, 0);
  assert.ok(!lines.some((l) => l.startsWith('once restarted')));
});
