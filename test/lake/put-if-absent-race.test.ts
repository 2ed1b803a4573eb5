// putIfAbsent under real concurrency: separate OS processes race to create the same Delta commit file, as two
// pipeline runs committing the same table version would. Exactly one may win, and the file must hold the
// winner's content in full.

import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeRaceContent } from './put-if-absent-race-content';

const WRITERS = 8;
const ROUNDS = 50;
const CHILD = fileURLToPath(new URL('./put-if-absent-race-child.ts', import.meta.url));

interface Reply {
  round: number;
  writerId: string;
  won?: boolean;
  error?: string;
}

test(`local putIfAbsent: ${WRITERS} processes race ${ROUNDS} times, exactly one wins each round`, async () => {
  const root = await mkdtemp(join(tmpdir(), 'lake-race-'));
  const children: ChildProcess[] = [];
  try {
    const replies: Reply[] = [];
    let onReply: () => void = () => undefined;
    await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => {
        // execArgv is inherited, so the child runs TypeScript through the same tsx loader as this test.
        const child = fork(CHILD, [root, `writer-${i}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`writer-${i} exited early with ${code}`)));
          child.on('message', (message: Reply | { ready: string }) => {
            if ('ready' in message) return resolve();
            replies.push(message);
            onReply();
          });
        });
      }),
    );

    for (let round = 0; round < ROUNDS; round++) {
      const path = `tables/race-${round}/_delta_log/00000000000000000001.json`;
      const done = new Promise<void>((resolve) => {
        onReply = () => {
          if (replies.filter((r) => r.round === round).length === WRITERS) resolve();
        };
      });
      for (const child of children) child.send({ round, path });
      await done;

      const results = replies.filter((r) => r.round === round);
      assert.deepEqual(
        results.filter((r) => r.error !== undefined),
        [],
        `round ${round}: no writer failed`,
      );
      const winners = results.filter((r) => r.won === true);
      assert.equal(winners.length, 1, `round ${round}: exactly one winner, got ${winners.length}`);
      const content = await readFile(join(root, path), 'utf8');
      assert.equal(
        content,
        makeRaceContent(winners[0]?.writerId ?? '', round),
        `round ${round}: winner's content`,
      );
      assert.deepEqual(await readdir(join(root, `tables/race-${round}/_delta_log`)), [
        '00000000000000000001.json',
      ]);
    }
  } finally {
    for (const child of children) {
      child.removeAllListeners('exit');
      if (child.connected) child.send('exit');
    }
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)),
      ),
    );
    await rm(root, { recursive: true, force: true });
  }
});
