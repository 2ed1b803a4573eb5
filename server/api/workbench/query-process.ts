// What the query pool reads and cleans up about its child processes: their resident memory, whether they still
// run, and the spill folders a killed DuckDB could not remove itself.

import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Resident memory of a process in bytes (Linux), or 0 if it is gone. */
export async function readRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const isAlive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

const SIGKILL_BIT = 1n << 8n;

/**
 * Whether an idle child can take a query. Node learns of a child's death only when it reaps it; until then a child
 * killed while idle (the kernel's out-of-memory killer, an operator) still looks alive, and a query handed to it
 * would fail at once for nothing it did. Linux's /proc says sooner: a zombie, or a kill still pending (a process in
 * uninterruptible sleep gets its SIGKILL when it wakes). Elsewhere only Node's own view counts.
 */
export function canTakeQuery(child: ChildProcess): boolean {
  if (!isAlive(child) || child.pid === undefined) return false;
  let status: string;
  try {
    status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  } catch (error) {
    // No such process: gone. No /proc at all (not Linux): trust Node.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsProcRoot();
  }
  if (/^State:\s+[ZX]/m.test(status)) return false;
  const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s+([0-9a-f]+)$/gm)];
  return !pending.some((match) => (BigInt(`0x${match[1]}`) & SIGKILL_BIT) !== 0n);
}

function existsProcRoot(): boolean {
  try {
    readFileSync('/proc/self/status', 'utf8');
    return true;
  } catch {
    return false;
  }
}

/** The spill folders DuckDB sessions of a process made (duckdb-session.ts names them `<pid>-<uuid>`). */
export async function removeSpillFolders(pid: number): Promise<void> {
  const spillRoot = path.join(tmpdir(), 'lakehouse-duckdb-spill');
  const names = await readdir(spillRoot).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(`${pid}-`))
      .map((name) => rm(path.join(spillRoot, name), { recursive: true, force: true })),
  );
}
