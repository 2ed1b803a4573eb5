// The query pool's view of an idle child: Node learns of a child's death only when its event loop reaps it, so a
// child killed while idle still looks alive in between. canTakeQuery reads /proc and refuses it at once (a query
// handed to it would fail for nothing it did; seen under load in query-limits.test.ts).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { canTakeQuery, isAlive } from '../../server/api/workbench/query-process';

test('a child killed while idle is refused before Node reaps it, a running one is taken', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await once(child, 'spawn');
  assert.equal(canTakeQuery(child), true);
  process.kill(child.pid as number, 'SIGKILL');
  // No await: the event loop cannot reap it, so Node still thinks it runs.
  const deadline = Date.now() + 5_000;
  while (canTakeQuery(child) && Date.now() < deadline) {
    // The kernel makes it a zombie within microseconds; spin until /proc says so.
  }
  assert.equal(isAlive(child), true, "Node's own view has not caught up yet");
  assert.equal(canTakeQuery(child), false);
  await once(child, 'exit');
  assert.equal(canTakeQuery(child), false);
});
