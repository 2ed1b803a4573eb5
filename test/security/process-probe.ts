// Finds the web process of a `next start` server (the one listening on its port) and its query children in /proc,
// and reads their resident memory, so tests can bound what the web process and each query cost.

import { readdir, readFile, readlink } from 'node:fs/promises';

async function listeningInode(port: number): Promise<string | null> {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // State 0A is LISTEN; the local address ends in the port in hex.
      if (local && fields[3] === '0A' && Number.parseInt(local.split(':')[1] ?? '', 16) === port) {
        return fields[9] ?? null;
      }
    }
  }
  return null;
}

const pids = async () => (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);

/** The pid of the process with a listening socket on `port`. */
export async function pidListeningOn(port: number): Promise<number> {
  const inode = await listeningInode(port);
  if (!inode) throw new Error(`nothing listens on port ${port}`);
  for (const pid of await pids()) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (target === `socket:[${inode}]`) return pid;
    }
  }
  throw new Error(`no process of this user holds the socket on port ${port}`);
}

/** Direct children of `parent` whose command line contains `marker`. */
export async function childrenOf(parent: number, marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await pids()) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // The field after the parenthesised command name: state, then ppid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== parent) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(pid);
  }
  return found;
}

/** Resident memory in bytes, 0 when the process is gone. */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}
