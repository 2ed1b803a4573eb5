// Where a notebook's runs live: NOTEBOOKS_DIR/.meta/runs/<notebookId>/<runId>/ holds manifest.json and one
// <output>.parquet per named result. A run is built in a hidden temp folder beside them and renamed into place
// whole, so a reader (the API, delivery) never sees half a run; only the last KEPT_RUNS are kept.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NOTEBOOK_ID } from '../notebooks/notebook-store';
import type { NotebookRunManifest } from './types';

export const KEPT_RUNS = 30;
/** 20261205T081500123Z-1a2b3c: sorts by start time, unique within a notebook. */
export const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;
export const MANIFEST_FILE = 'manifest.json';

/** Longer than the longest run may last (NOTEBOOK_RUN_TIMEOUT_MS is at most a day). */
const STALE_TEMP_MS = 2 * 24 * 3_600_000;

/** The start time a run id (or a temp folder's) carries. */
function startedAt(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!);
}

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface RunFolders {
  /** A fresh temp folder for a run in progress (hidden: listing skips it). */
  startRun(notebookId: string, runId: string): Promise<string>;
  /** Writes the manifest into the temp folder and renames it into place; then trims old runs. */
  publishRun(tempDir: string, manifest: NotebookRunManifest): Promise<void>;
  /** Removes a temp folder (a failed run's partial outputs). */
  discard(tempDir: string): Promise<void>;
  /** Replaces a published run's manifest (delivery lines added after the run). */
  updateManifest(manifest: NotebookRunManifest): Promise<void>;
  /** Manifests, newest first. */
  listRuns(notebookId: string): Promise<NotebookRunManifest[]>;
  readRun(notebookId: string, runId: string): Promise<NotebookRunManifest | null>;
  /** The local path of an output of a published run; null when the run or the output does not exist. */
  outputPath(notebookId: string, runId: string, name: string): Promise<string | null>;
  /** Every run of a notebook (it was deleted). */
  removeAll(notebookId: string): Promise<void>;
}

function checkedId(notebookId: string): string {
  if (!NOTEBOOK_ID.test(notebookId)) throw new Error(`"${notebookId}" is not a notebook id`);
  return notebookId;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, text);
  await rename(temp, file);
}

export function createRunFolders(notebooksDir: string): RunFolders {
  const runsRoot = path.join(notebooksDir, '.meta', 'runs');
  const notebookDir = (id: string) => path.join(runsRoot, checkedId(id));
  const runDir = (id: string, runId: string) => {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id`);
    return path.join(notebookDir(id), runId);
  };

  async function readManifest(dir: string): Promise<NotebookRunManifest | null> {
    const text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => null);
    return text === null ? null : (JSON.parse(text) as NotebookRunManifest);
  }

  async function readRun(notebookId: string, runId: string): Promise<NotebookRunManifest | null> {
    if (!RUN_ID.test(runId)) return null;
    return readManifest(runDir(notebookId, runId));
  }

  async function publishedIds(id: string): Promise<string[]> {
    const names = await readdir(notebookDir(id)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.filter((name) => RUN_ID.test(name)).sort();
  }

  async function trim(id: string): Promise<void> {
    // A worker that died mid-run leaves its temp folder; one older than any run may last is removed here.
    const names = await readdir(notebookDir(id)).catch(() => [] as string[]);
    const stale = names.filter((name) => {
      const started = /^\.tmp-(\d{8}T\d{9}Z)-/.exec(name)?.[1];
      return started !== undefined && Date.now() - startedAt(started) > STALE_TEMP_MS;
    });
    await Promise.all(
      stale.map((name) => rm(path.join(notebookDir(id), name), { recursive: true, force: true })),
    );
    const ids = await publishedIds(id);
    const dropped = ids.slice(0, Math.max(0, ids.length - KEPT_RUNS));
    await Promise.all(dropped.map((runId) => rm(runDir(id, runId), { recursive: true, force: true })));
  }

  return {
    async startRun(notebookId, runId) {
      const temp = path.join(notebookDir(notebookId), `.tmp-${runId}`);
      runDir(notebookId, runId); // validates the run id
      await mkdir(temp, { recursive: true });
      return temp;
    },
    async publishRun(tempDir, manifest) {
      await writeFile(path.join(tempDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(tempDir, runDir(manifest.notebookId, manifest.runId));
      await trim(manifest.notebookId);
    },
    discard: (tempDir) => rm(tempDir, { recursive: true, force: true }),
    async updateManifest(manifest) {
      const dir = runDir(manifest.notebookId, manifest.runId);
      await writeAtomically(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    },
    async listRuns(notebookId) {
      const ids = (await publishedIds(notebookId)).reverse();
      const manifests = await Promise.all(ids.map((runId) => readManifest(runDir(notebookId, runId))));
      return manifests.filter((manifest) => manifest !== null);
    },
    readRun,
    async outputPath(notebookId, runId, name) {
      const manifest = await readRun(notebookId, runId);
      // Only a file the manifest names is served: the name never becomes a path by itself.
      const output = manifest?.outputs.find((candidate) => candidate.name === name);
      return output ? path.join(runDir(notebookId, runId), output.file) : null;
    },
    removeAll: (notebookId) => rm(notebookDir(notebookId), { recursive: true, force: true }),
  };
}
