// Choose the lake backend from one setting (ARCHITECTURE.md §4): a folder path or file:// URL is the local
// backend (the default), webhdfs://host:port/path (swebhdfs:// for HTTPS) is HDFS through WebHDFS.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalLakeStorage } from './local-storage';
import { LakeError, type LakeStorage } from './storage';
import { WebHdfsLakeStorage } from './webhdfs-storage';

export type LakeLocation =
  { kind: 'local'; rootDir: string } | { kind: 'webhdfs'; endpoint: string; root: string; userName?: string };

export interface OpenLakeStorageOptions {
  /** WebHDFS user.name; overrides a user given in the URL (webhdfs://user@host:port/path). */
  userName?: string;
  /** WebHDFS: longest wait for progress on one request, in ms. */
  timeoutMs?: number;
  /** WebHDFS: injected fetch, for tests. */
  fetch?: typeof fetch;
  /** Folder that a relative folder path is resolved against; defaults to the working directory. */
  baseDir?: string;
}

// Hadoop 3's default namenode HTTP and HTTPS ports (dfs.namenode.http-address, dfs.namenode.https-address).
const DEFAULT_PORTS: Record<string, string> = { 'webhdfs:': '9870', 'swebhdfs:': '9871' };

/** Read a lake location without touching it. Throws LakeError INVALID_PATH for what cannot be a lake. */
export function parseLakeLocation(location: string, baseDir = process.cwd()): LakeLocation {
  const trimmed = location.trim();
  if (trimmed === '') throw new LakeError('INVALID_PATH', location, 'Lake location is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', rootDir: resolve(baseDir, trimmed) };
  if (scheme === 'file') return { kind: 'local', rootDir: fileURLToPath(trimmed) };
  if (scheme !== 'webhdfs' && scheme !== 'swebhdfs') {
    throw new LakeError(
      'INVALID_PATH',
      location,
      `Unsupported lake URL scheme '${scheme}:' (file, webhdfs, swebhdfs)`,
    );
  }
  const url = new URL(trimmed);
  if (url.hostname === '') throw new LakeError('INVALID_PATH', location, 'WebHDFS URL has no host');
  const protocol = scheme === 'swebhdfs' ? 'https' : 'http';
  const endpoint = `${protocol}://${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
  const root = decodeURIComponent(url.pathname).replace(/\/+$/, '') || '/';
  const userName = url.username === '' ? undefined : decodeURIComponent(url.username);
  return userName === undefined
    ? { kind: 'webhdfs', endpoint, root }
    : { kind: 'webhdfs', endpoint, root, userName };
}

/** The storage for a lake location (see parseLakeLocation). */
export function openLakeStorage(location: string, options: OpenLakeStorageOptions = {}): LakeStorage {
  const parsed = parseLakeLocation(location, options.baseDir);
  if (parsed.kind === 'local') return new LocalLakeStorage(parsed.rootDir);
  return new WebHdfsLakeStorage({
    endpoint: parsed.endpoint,
    root: parsed.root,
    userName: options.userName ?? parsed.userName,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
  });
}
