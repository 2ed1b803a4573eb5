// What the query pool reads and cleans up about its child processes: their resident memory, whether they still
// run, and the spill folders a killed DuckDB could not remove itself.

import type { ChildProcess } from 'node:child_process';
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
