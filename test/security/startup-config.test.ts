// `npm start` checks the configuration production needs before it starts anything: without SESSION_SECRET, with
// a weak one, or with proxy SSO but no shared secret it exits 1 with a message naming the variable (and never
// printing a secret), instead of starting a server that answers every sign-in with 500.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './auth-server';

/** Runs the start script in its own process group with this env; kills the whole group if it outlives 30 s. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.SESSION_SECRET;
    delete base.AUTH_PROXY_HEADER;
    delete base.AUTH_PROXY_SECRET;
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['server/cli/start.ts'], {
      cwd: repoRoot,
      env: { ...base, NODE_ENV: 'production', PORT: '1', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm start refuses a configuration production cannot run with', () => {
  it('no SESSION_SECRET', async () => {
    const { code, output } = await runStart({});
    assert.equal(code, 1, output);
    assert.match(output, /SESSION_SECRET is required/);
    assert.doesNotMatch(output, /web on http/, 'nothing was started');
  });

  it('a short or weak SESSION_SECRET, without printing it', async () => {
    for (const [secret, reason] of [
      ['too-short', /at least 32 characters/],
      ['changeme-changeme-changeme-changeme-1', /placeholder/],
      ['ab'.repeat(20), /placeholder|distinct/],
    ] as const) {
      const { code, output } = await runStart({ SESSION_SECRET: secret });
      assert.equal(code, 1, output);
      assert.match(output, /SESSION_SECRET/);
      assert.match(output, reason);
      assert.ok(!output.includes(secret), 'the rejected secret is not printed');
    }
  });

  it('proxy SSO without its shared secret', async () => {
    const { code, output } = await runStart({
      SESSION_SECRET: 'k3Jq9TzW1vB7nR4mX8cY2pL6dF0hG5sA-start',
      AUTH_PROXY_HEADER: 'X-Forwarded-User',
    });
    assert.equal(code, 1, output);
    assert.match(output, /AUTH_PROXY_SECRET.*required when AUTH_PROXY_HEADER is set/);
  });
});
